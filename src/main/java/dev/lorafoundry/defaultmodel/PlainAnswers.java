package dev.lorafoundry.defaultmodel;

import java.util.List;

/** The default model's voice: short, friendly, plain English. */
public record PlainAnswers(AssistantIdentity identity) implements AnswerStyle {

    @Override
    public String greeting(String salutation) {
        return salutation + "! I am " + identity.name() + ". How can I help you today?";
    }

    @Override
    public String howAreYou() {
        return "I am doing well, thank you for asking! How can I help you today?";
    }

    @Override
    public String thanks() {
        return "You are welcome! Is there anything else I can help you with?";
    }

    @Override
    public String goodbye() {
        return "Goodbye! Have a nice day.";
    }

    @Override
    public String capabilities() {
        return "I can chat with you, answer simple arithmetic questions, and check the weather or the time when I am "
                + "given tools for them.";
    }

    @Override
    public String joke() {
        return "Why did the math book look sad? Because it had too many problems.";
    }

    @Override
    public String whoAreYou() {
        return "I am " + identity.name() + ", a small AI assistant made by " + identity.author() + ".";
    }

    @Override
    public String name() {
        return "My name is " + identity.name() + ".";
    }

    @Override
    public String creator() {
        return "I was made by " + identity.author() + ".";
    }

    @Override
    public String notSomeoneElse(String other) {
        return "No, I am not " + other + ". " + whoAreYou();
    }

    @Override
    public String arithmetic(ArithmeticProblem problem) {
        return problem.equation() + ".";
    }

    @Override
    public String weather(List<WeatherReport> reports) {
        return "It is " + String.join(", and ", reports.stream().map(WeatherReport::phrase).toList()) + ".";
    }

    @Override
    public String time(TimeReport report) {
        return "The current time in " + report.timezone() + " is " + report.time() + ".";
    }

    @Override
    public String noWeatherTool() {
        return "I cannot check the weather because I have no weather tool.";
    }

    @Override
    public String noTimeTool() {
        return "I cannot tell the time because I have no time tool.";
    }
}
