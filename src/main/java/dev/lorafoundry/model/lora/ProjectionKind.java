package dev.lorafoundry.model.lora;

/** The seven linear projections of a Llama-family decoder layer that a LoRA adapter may target. */
public enum ProjectionKind {
    Q("self_attn", "q_proj"),
    K("self_attn", "k_proj"),
    V("self_attn", "v_proj"),
    O("self_attn", "o_proj"),
    GATE("mlp", "gate_proj"),
    UP("mlp", "up_proj"),
    DOWN("mlp", "down_proj");

    private final String block;
    private final String moduleName;

    ProjectionKind(String block, String moduleName) {
        this.block = block;
        this.moduleName = moduleName;
    }

    /** The module's own name, as PEFT's {@code target_modules} lists it: {@code q_proj}. */
    public String moduleName() {
        return moduleName;
    }

    /** The module path inside a layer: {@code self_attn.q_proj}. */
    public String modulePath() {
        return block + "." + moduleName;
    }

    /** The full module name in an HF model: {@code model.layers.3.self_attn.q_proj}. */
    public String moduleName(int layer) {
        return "model.layers." + layer + "." + modulePath();
    }

    /** The kind whose {@link #moduleName()} is {@code name}, or null. */
    public static ProjectionKind byModuleName(String name) {
        for (ProjectionKind kind : values()) {
            if (kind.moduleName.equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
