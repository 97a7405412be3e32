package dev.lorafoundry.adapter;

import dev.lorafoundry.model.ModelArchitecture;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.lora.ProjectionKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The module names transformers gives a Llama-family causal LM ({@code model.named_modules()} without the root), the
 * names PEFT matches {@code target_modules} against. Checked against transformers 5.17 for Llama, Qwen2, Qwen3, Mistral.
 */
public final class BaseModuleNames {

    private BaseModuleNames() {}

    public static List<String> of(ModelConfig model) {
        List<String> names = new ArrayList<>(List.of("model", "model.embed_tokens", "model.layers"));
        boolean qkNorm = model.architectureKind() == ModelArchitecture.QWEN3;
        for (int layer = 0; layer < model.numLayers(); layer++) {
            String prefix = "model.layers." + layer;
            names.add(prefix);
            names.add(prefix + ".self_attn");
            for (ProjectionKind kind : List.of(ProjectionKind.Q, ProjectionKind.K, ProjectionKind.V, ProjectionKind.O)) {
                names.add(kind.moduleName(layer));
            }
            if (qkNorm) {
                names.add(prefix + ".self_attn.q_norm");
                names.add(prefix + ".self_attn.k_norm");
            }
            names.add(prefix + ".mlp");
            for (ProjectionKind kind : List.of(ProjectionKind.GATE, ProjectionKind.UP, ProjectionKind.DOWN)) {
                names.add(kind.moduleName(layer));
            }
            names.add(prefix + ".mlp.act_fn");
            names.add(prefix + ".input_layernorm");
            names.add(prefix + ".post_attention_layernorm");
        }
        names.addAll(List.of("model.norm", "model.rotary_emb", "lm_head"));
        return names;
    }
}
