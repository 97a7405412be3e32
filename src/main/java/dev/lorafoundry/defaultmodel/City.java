package dev.lorafoundry.defaultmodel;

import java.util.List;

/**
 * A city the weather and time examples talk about.
 *
 * @param name     as users write it
 * @param timezone its IANA time zone, what get_time takes
 */
public record City(String name, String timezone) {

    /** The cities of the generated data, in a fixed order. */
    public static final List<City> ALL = List.of(
            new City("Paris", "Europe/Paris"),
            new City("London", "Europe/London"),
            new City("Berlin", "Europe/Berlin"),
            new City("Madrid", "Europe/Madrid"),
            new City("Rome", "Europe/Rome"),
            new City("Amsterdam", "Europe/Amsterdam"),
            new City("Vienna", "Europe/Vienna"),
            new City("Stockholm", "Europe/Stockholm"),
            new City("Oslo", "Europe/Oslo"),
            new City("Lisbon", "Europe/Lisbon"),
            new City("Athens", "Europe/Athens"),
            new City("Moscow", "Europe/Moscow"),
            new City("Cairo", "Africa/Cairo"),
            new City("Nairobi", "Africa/Nairobi"),
            new City("Dubai", "Asia/Dubai"),
            new City("Mumbai", "Asia/Kolkata"),
            new City("Singapore", "Asia/Singapore"),
            new City("Tokyo", "Asia/Tokyo"),
            new City("Seoul", "Asia/Seoul"),
            new City("Beijing", "Asia/Shanghai"),
            new City("Sydney", "Australia/Sydney"),
            new City("Auckland", "Pacific/Auckland"),
            new City("New York", "America/New_York"),
            new City("Chicago", "America/Chicago"),
            new City("Denver", "America/Denver"),
            new City("Los Angeles", "America/Los_Angeles"),
            new City("Toronto", "America/Toronto"),
            new City("Mexico City", "America/Mexico_City"),
            new City("Lima", "America/Lima"),
            new City("Buenos Aires", "America/Argentina/Buenos_Aires"));

    /** The city of this name. */
    public static City named(String name) {
        for (City city : ALL) {
            if (city.name.equals(name)) {
                return city;
            }
        }
        throw new IllegalArgumentException("no city named " + name + " among " + ALL.stream().map(City::name).toList());
    }
}
