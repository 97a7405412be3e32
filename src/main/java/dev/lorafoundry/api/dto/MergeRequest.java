package dev.lorafoundry.api.dto;

/** POST /v1/adapters/{name}/merge: optional name of the merged model folder (under the data dir's merged/). */
public record MergeRequest(String name) {}
