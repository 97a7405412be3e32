package dev.lorafoundry.training;

import dev.lorafoundry.training.data.DatasetEntry;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one LoRA training run needs, under LLaMA-Factory's names. Built and validated by the caller (the jobs
 * API); the trainer trusts it.
 *
 * @param stage                     "sft" or "pt"
 * @param train                     the training data (file, formatting and columns)
 * @param validation                validation data, or null (then {@code valSize} may split some off)
 * @param valSize                   fraction (0..1) or count (≥ 1) of training records held out for validation; 0: none
 * @param loraRank                  r
 * @param loraAlpha                 alpha (LLaMA-Factory's default: 2·r)
 * @param loraDropout               dropout on the LoRA input path during training
 * @param loraTarget                module names (q_proj, …); ["all"] for every linear layer
 * @param useRslora                 scale alpha/√r instead of alpha/r
 * @param learningRate              peak learning rate
 * @param lrSchedulerType           cosine, linear or constant
 * @param warmupRatio               fraction of the steps spent warming up (used when warmupSteps is 0)
 * @param warmupSteps               warm-up steps
 * @param weightDecay               AdamW decoupled weight decay
 * @param maxGradNorm               clip the global gradient norm to this (0: no clipping)
 * @param batchSize                 examples per micro-batch (per_device_train_batch_size)
 * @param gradientAccumulationSteps micro-batches per optimizer step
 * @param numTrainEpochs            epochs (used when maxSteps is 0)
 * @param maxSteps                  optimizer steps; 0 means numTrainEpochs decides
 * @param cutoffLen                 longest example in tokens
 * @param packing                   pack SFT examples into cutoffLen sequences (block-diagonal attention)
 * @param trainOnPrompt             loss on the prompt tokens too
 * @param maskHistory               loss on the last assistant turn only
 * @param saveSteps                 checkpoint every this many optimizer steps (0: only at the end)
 * @param evalSteps                 validation loss every this many steps (0: only at the end, when there is validation data)
 * @param loggingSteps              a metrics event every this many steps
 * @param seed                      data order, dropout, LoRA A initialisation
 * @param neftuneNoiseAlpha         NEFTune embedding noise, 0 for none
 * @param gradientCheckpointing     recompute layer activations in the backward pass to save memory
 * @param outputDir                 where the adapter (PEFT format) and checkpoints go
 * @param resumeFrom                a checkpoint folder to resume from, or null
 * @param initAdapter               an existing PEFT adapter folder to continue training, or null
 */
public record TrainingSpec(
        String stage,
        DatasetEntry train,
        DatasetEntry validation,
        double valSize,
        int loraRank,
        double loraAlpha,
        double loraDropout,
        List<String> loraTarget,
        boolean useRslora,
        double learningRate,
        String lrSchedulerType,
        double warmupRatio,
        int warmupSteps,
        double weightDecay,
        double maxGradNorm,
        int batchSize,
        int gradientAccumulationSteps,
        double numTrainEpochs,
        int maxSteps,
        int cutoffLen,
        boolean packing,
        boolean trainOnPrompt,
        boolean maskHistory,
        int saveSteps,
        int evalSteps,
        int loggingSteps,
        long seed,
        double neftuneNoiseAlpha,
        boolean gradientCheckpointing,
        Path outputDir,
        Path resumeFrom,
        Path initAdapter) {}
