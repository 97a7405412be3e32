package dev.lorafoundry.adapter;

/** How an adapter came to be registered. */
public enum AdapterSource {
    /** Found in the adapters folder at start-up. */
    DISK,
    /** Registered from a server-side path through POST /v1/load_lora_adapter. */
    PATH,
    /** Uploaded through POST /v1/adapters. */
    UPLOAD,
    /** Written by a fine-tuning job of this service. */
    TRAINED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
