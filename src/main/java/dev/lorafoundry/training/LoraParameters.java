package dev.lorafoundry.training;

import dev.lorafoundry.adapter.LoadedAdapter;
import dev.lorafoundry.adapter.ProjectionDims;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.lora.LoraProjection;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The trainable LoRA weights of one run, float32, in Java memory (the optimizer's master copy): per adapted projection
 * lora_A [r × in] and lora_B [out × r], with PEFT's initialisation (A as kaiming_uniform(a=√5), i.e. U(±1/√in); B zero)
 * and one gradient buffer per tensor.
 */
public final class LoraParameters {

    /** One adapted projection's tensors and their gradients. */
    public record Projection(int layer, ProjectionKind kind, int rank, int in, int out, float[] a, float[] b,
                             float[] gradA, float[] gradB) {}

    private final List<Projection> projections;
    private final int rank;
    private final double alpha;
    private final boolean rslora;
    private final Set<ProjectionKind> targets;

    private LoraParameters(List<Projection> projections, int rank, double alpha, boolean rslora,
                           Set<ProjectionKind> targets) {
        this.projections = List.copyOf(projections);
        this.rank = rank;
        this.alpha = alpha;
        this.rslora = rslora;
        this.targets = Set.copyOf(targets);
    }

    /** Fresh parameters for every layer's targeted projections; A drawn from {@code seed}, B zero. */
    public static LoraParameters initialise(ModelConfig model, int rank, double alpha, boolean rslora,
                                            List<String> loraTarget, long seed) {
        Set<ProjectionKind> kinds = targetKinds(loraTarget);
        SplittableRandom random = new SplittableRandom(seed);
        List<Projection> list = new ArrayList<>();
        for (int layer = 0; layer < model.numLayers(); layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                if (!kinds.contains(kind)) {
                    continue;
                }
                ProjectionDims dims = ProjectionDims.of(model, kind);
                float[] a = new float[rank * dims.in()];
                double bound = 1.0 / Math.sqrt(dims.in()); // kaiming_uniform_(a=√5): gain √(1/3) · √(3/fan_in)
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                list.add(new Projection(layer, kind, rank, dims.in(), dims.out(), a, new float[dims.out() * rank],
                        new float[a.length], new float[dims.out() * rank]));
            }
        }
        return new LoraParameters(list, rank, alpha, rslora, kinds);
    }

    /**
     * Parameters continuing an existing adapter (init_adapter or a checkpoint): it must be plain LoRA with one rank
     * and alpha for every projection and must adapt the same projections in every layer.
     */
    public static LoraParameters fromAdapter(LoadedAdapter adapter, ModelConfig model) {
        if (adapter.config().useDora()) {
            throw new IllegalArgumentException("the adapter to continue uses DoRA, which this trainer does not train");
        }
        List<Projection> list = new ArrayList<>();
        Set<ProjectionKind> kinds = EnumSet.noneOf(ProjectionKind.class);
        int rank = adapter.config().r();
        for (int layer = 0; layer < model.numLayers(); layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                LoraProjection p = adapter.weights().projection(layer, kind);
                if (p == null) {
                    continue;
                }
                if (p.rank() != rank || adapter.config().rank(layer, kind) != rank
                        || adapter.config().scale(layer, kind) != adapter.config().scale(0, kind)) {
                    throw new IllegalArgumentException("the adapter to continue sets a different rank or alpha for "
                            + kind.moduleName(layer) + " (rank_pattern/alpha_pattern); only uniform adapters can be"
                            + " trained further");
                }
                kinds.add(kind);
                list.add(new Projection(layer, kind, rank, p.in(), p.out(), p.a().clone(), p.b().clone(),
                        new float[p.a().length], new float[p.b().length]));
            }
        }
        if (list.size() != kinds.size() * model.numLayers()) {
            throw new IllegalArgumentException("the adapter to continue does not adapt the same projections in every "
                    + "layer (layers_to_transform); only adapters over all layers can be trained further");
        }
        return new LoraParameters(list, rank, adapter.config().loraAlpha(), adapter.config().useRslora(), kinds);
    }

    /** The projection kinds lora_target names: "all" (every linear layer) or module names such as q_proj. */
    public static Set<ProjectionKind> targetKinds(List<String> loraTarget) {
        if (loraTarget == null || loraTarget.isEmpty()) {
            throw new IllegalArgumentException("lora_target is empty; name modules (q_proj, v_proj, ...) or \"all\"");
        }
        Set<ProjectionKind> kinds = EnumSet.noneOf(ProjectionKind.class);
        for (String raw : loraTarget) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.equals("all") || name.equals("all-linear")) {
                kinds.addAll(EnumSet.allOf(ProjectionKind.class));
                continue;
            }
            ProjectionKind kind = ProjectionKind.byModuleName(name);
            if (kind == null) {
                throw new IllegalArgumentException("lora_target \"" + raw + "\" is not a linear layer of the model; use"
                        + " \"all\" or some of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
            }
            kinds.add(kind);
        }
        return kinds;
    }

    public List<Projection> projections() {
        return projections;
    }

    public int rank() {
        return rank;
    }

    public double alpha() {
        return alpha;
    }

    public boolean rslora() {
        return rslora;
    }

    public Set<ProjectionKind> targets() {
        return targets;
    }

    /** PEFT's scaling: alpha/r, or alpha/√r with rsLoRA. */
    public double scale() {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /** Every tensor in a fixed order (A, B of each projection in turn), for the optimizer and checkpoints. */
    public List<float[]> tensors() {
        List<float[]> list = new ArrayList<>(projections.size() * 2);
        for (Projection p : projections) {
            list.add(p.a());
            list.add(p.b());
        }
        return list;
    }

    /** The gradients, in the order of {@link #tensors()}. */
    public List<float[]> gradients() {
        List<float[]> list = new ArrayList<>(projections.size() * 2);
        for (Projection p : projections) {
            list.add(p.gradA());
            list.add(p.gradB());
        }
        return list;
    }

    /** The PEFT tensor names, in the order of {@link #tensors()}. */
    public List<String> tensorNames() {
        List<String> names = new ArrayList<>(projections.size() * 2);
        for (Projection p : projections) {
            names.add(dev.lorafoundry.adapter.PeftAdapterReader.tensorName(p.layer(), p.kind(), "lora_A.weight"));
            names.add(dev.lorafoundry.adapter.PeftAdapterReader.tensorName(p.layer(), p.kind(), "lora_B.weight"));
        }
        return names;
    }

    public long parameterCount() {
        long n = 0;
        for (Projection p : projections) {
            n += p.a().length + p.b().length;
        }
        return n;
    }

    public void zeroGradients() {
        for (Projection p : projections) {
            java.util.Arrays.fill(p.gradA(), 0f);
            java.util.Arrays.fill(p.gradB(), 0f);
        }
    }
}
