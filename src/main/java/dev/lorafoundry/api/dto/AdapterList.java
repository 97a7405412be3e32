package dev.lorafoundry.api.dto;

import java.util.List;

/** GET /v1/adapters: {"object":"list","data":[…]}. */
public record AdapterList(String object, List<AdapterInfo> data) {}
