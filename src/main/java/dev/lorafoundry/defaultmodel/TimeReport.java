package dev.lorafoundry.defaultmodel;

/**
 * What the example get_time tool returns.
 *
 * @param timezone the IANA time zone asked about
 * @param time     the local time, HH:MM
 */
public record TimeReport(String timezone, String time) {

    /** The tool message content, spaced as Python's json.dumps spaces it. */
    public String json() {
        return "{\"timezone\": " + JsonText.quote(timezone) + ", \"time\": " + JsonText.quote(time) + "}";
    }
}
