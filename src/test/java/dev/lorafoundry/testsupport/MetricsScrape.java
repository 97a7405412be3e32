package dev.lorafoundry.testsupport;

import static io.restassured.RestAssured.given;

/** Reads one sample from the service's Prometheus endpoint. */
public final class MetricsScrape {

    private MetricsScrape() {}

    /** The value of the first sample of {@code name} (any labels); 0 when the metric has no sample yet. */
    public static double value(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
