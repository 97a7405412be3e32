package dev.lorafoundry.api.dto;

import java.util.List;

/** POST /detokenize body. */
public record DetokenizeRequest(String model, List<Integer> tokens) {}
