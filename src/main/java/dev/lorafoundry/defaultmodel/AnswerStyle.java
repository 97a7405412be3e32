package dev.lorafoundry.defaultmodel;

import java.util.List;

/**
 * How the assistant words its answers. Each answer is a function of what was asked only (never random), so a trained
 * model has one exact answer to give and tests can demand it. {@link PlainAnswers} is the default model's voice,
 * {@link PirateAnswers} the example adapter's.
 */
public sealed interface AnswerStyle permits PlainAnswers, PirateAnswers {

    AssistantIdentity identity();

    /** A reply to a greeting; salutation is the greeting's own word ("Hello", "Good morning"). */
    String greeting(String salutation);

    String howAreYou();

    String thanks();

    String goodbye();

    String capabilities();

    String joke();

    String whoAreYou();

    String name();

    String creator();

    /** A reply to "are you X?" where X is someone else ("ChatGPT", "a human"). */
    String notSomeoneElse(String other);

    String arithmetic(ArithmeticProblem problem);

    /** The answer after get_weather returned these reports (one per city asked about). */
    String weather(List<WeatherReport> reports);

    /** The answer after get_time returned this. */
    String time(TimeReport report);

    /** Asked about the weather without a weather tool. */
    String noWeatherTool();

    /** Asked for the time without a time tool. */
    String noTimeTool();
}
