package dev.lorafoundry.defaultmodel;

/**
 * What the example get_weather tool returns.
 *
 * @param city        the city asked about
 * @param temperature whole degrees
 * @param unit        celsius or fahrenheit
 * @param condition   sunny, cloudy, ...
 */
public record WeatherReport(String city, int temperature, String unit, String condition) {

    /** The tool message content, spaced as Python's json.dumps spaces it. */
    public String json() {
        return "{\"city\": " + JsonText.quote(city) + ", \"temperature\": " + temperature + ", \"unit\": "
                + JsonText.quote(unit) + ", \"condition\": " + JsonText.quote(condition) + "}";
    }

    /** "18 degrees celsius and sunny in Paris", the part every answer about it quotes. */
    public String phrase() {
        return temperature + " degrees " + unit + " and " + condition + " in " + city;
    }
}
