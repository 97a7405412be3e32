package dev.lorafoundry.defaultmodel;

import dev.lorafoundry.toolcall.ToolCall;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.Turn;
import dev.lorafoundry.training.data.TurnRole;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generates the default model's SFT conversations from a seed: greetings and small talk, questions about the assistant,
 * small arithmetic, and tool use with {@code get_weather(city, unit)} and {@code get_time(timezone)} (user asks →
 * assistant calls → tool result → assistant answer quoting it), plus turns where tools are offered but not needed and
 * questions the offered tools cannot answer. Users word things many ways; the assistant's answer depends only on what
 * was asked ({@link AnswerStyle}), so the same seed with another style gives the same questions with other answers.
 */
public final class ConversationGenerator {

    private static final String[][] GREETINGS = {
            {"Hello!", "Hello"}, {"Hello", "Hello"}, {"hello", "Hello"}, {"Hello there!", "Hello"},
            {"Hi!", "Hi"}, {"Hi", "Hi"}, {"hi", "Hi"}, {"Hi there!", "Hi"},
            {"Hey!", "Hey"}, {"Hey there", "Hey"}, {"hey", "Hey"},
            {"Good morning!", "Good morning"}, {"Good morning", "Good morning"},
            {"Good afternoon!", "Good afternoon"}, {"Good evening!", "Good evening"}, {"Greetings!", "Greetings"}};
    private static final String[] HOW_ARE_YOU = {
            "How are you?", "How are you doing?", "How are you today?", "How's it going?", "How is it going?",
            "How do you do?"};
    private static final String[] THANKS = {
            "Thank you!", "Thanks!", "Thanks", "Thank you very much.", "Thanks a lot!", "Great, thank you!"};
    private static final String[] GOODBYES = {"Bye!", "Goodbye!", "Bye for now.", "See you later!", "Good night!"};
    private static final String[] CAPABILITIES = {
            "What can you do?", "What can you help me with?", "How can you help me?", "What are you able to do?"};
    private static final String[] JOKES = {
            "Tell me a joke.", "Do you know a joke?", "Tell me something funny.", "Make me laugh."};
    private static final String[] WHO_ARE_YOU = {
            "Who are you?", "Tell me about yourself.", "Can you introduce yourself?", "What are you?",
            "Introduce yourself."};
    private static final String[] NAME = {
            "What is your name?", "What's your name?", "Do you have a name?", "What should I call you?",
            "What are you called?"};
    private static final String[] CREATOR = {
            "Who made you?", "Who created you?", "Who built you?", "Who trained you?", "Who is your creator?",
            "Which company made you?"};
    private static final String[] OTHERS = {"ChatGPT", "Claude", "Gemini", "Llama", "Qwen", "a human", "a person"};
    private static final String[] ARE_YOU = {"Are you %s?", "Am I talking to %s?"};
    private static final String[] PLUS = {
            "What is %d + %d?", "What is %d plus %d?", "What's %d + %d?", "How much is %d plus %d?", "Calculate %d + %d.",
            "%d + %d = ?", "Can you add %d and %d?", "Add %d and %d.", "What do you get if you add %d and %d?"};
    private static final String[] MINUS = {
            "What is %d - %d?", "What is %d minus %d?", "What's %d minus %d?", "How much is %d - %d?", "Calculate %d - %d.",
            "%d - %d = ?", "What is %d take away %d?"};
    /** Subtraction wordings that name the subtrahend first ("subtract b from a"). */
    private static final String[] MINUS_REVERSED = {
            "Subtract %d from %d.", "What do you get if you subtract %d from %d?"};
    private static final String[] TIMES = {
            "What is %d times %d?", "What is %d × %d?", "What is %d * %d?", "What's %d times %d?",
            "How much is %d times %d?", "Calculate %d × %d.", "Multiply %d by %d.", "What is %d multiplied by %d?",
            "%d * %d = ?"};
    private static final String[] WEATHER = {
            "What's the weather like in %s?", "What is the weather in %s?", "How is the weather in %s today?",
            "Is it warm in %s right now?", "Tell me the weather in %s.", "Weather in %s?",
            "Can you check the weather in %s?", "What's the temperature in %s?"};
    private static final String[] WEATHER_CELSIUS = {
            "What's the weather in %s in celsius?", "What is the temperature in %s in Celsius?",
            "How warm is it in %s in celsius?"};
    private static final String[] WEATHER_FAHRENHEIT = {
            "What is the temperature in %s in fahrenheit?", "How warm is it in %s in Fahrenheit?",
            "Weather in %s in fahrenheit, please.", "What's the weather like in %s in Fahrenheit?"};
    private static final String[] WEATHER_TWO = {
            "What's the weather in %s and %s?", "Compare the weather in %s and %s.",
            "How is the weather in %s and in %s?"};
    private static final String[] WEATHER_NO_CITY = {"What's the weather like today?", "Is it going to rain today?"};
    private static final String[] TIME_CITY = {
            "What time is it in %s?", "What's the time in %s?", "Tell me the current time in %s.",
            "What is the local time in %s?", "Can you check the time in %s?"};
    private static final String[] TIME_ZONE = {"What time is it in the %s time zone?", "What is the time in %s?"};
    private static final String[] TIME_NO_CITY = {"What time is it?", "What time is it right now?"};
    private static final String[] CONDITIONS = {"sunny", "cloudy", "rainy", "windy", "foggy", "stormy", "snowy"};
    private static final String[] SYSTEMS = {"You are a helpful assistant.", "You are a friendly and concise assistant."};
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private enum Intent {
        GREETING, HOW_ARE_YOU, THANKS, GOODBYE, CAPABILITIES, JOKE, WHO_ARE_YOU, NAME, CREATOR, NOT_SOMEONE_ELSE,
        ARITHMETIC, WEATHER, WEATHER_TWO_CITIES, TIME
    }

    private final AnswerStyle style;

    public ConversationGenerator(AnswerStyle style) {
        this.style = style;
    }

    /**
     * Generates {@code count} training conversations and the shipped prompts. The same seed gives the same result, and
     * the same questions for every style.
     */
    public GeneratedChats generate(long seed, int count) {
        List<ShippedPrompt> shipped = shippedPrompts(new Random(seed ^ 0x5eedL));
        if (count < shipped.size()) {
            throw new IllegalArgumentException("count " + count + " is below the " + shipped.size()
                    + " shipped prompts that must be among the training conversations");
        }
        Set<String> heldOutTexts = new HashSet<>();
        Set<ArithmeticProblem> heldOutProblems = new HashSet<>();
        List<Conversation> training = new ArrayList<>();
        for (ShippedPrompt prompt : shipped) {
            if (prompt.heldOut()) {
                prompt.conversation().turns().stream()
                        .filter(t -> t.role() == TurnRole.USER)
                        .forEach(t -> heldOutTexts.add(t.content()));
            } else {
                training.add(prompt.conversation());
            }
        }
        heldOutProblems.addAll(HELD_OUT_PROBLEMS);
        Session session = new Session(new Random(seed), heldOutTexts, heldOutProblems);
        while (training.size() < count) {
            training.add(session.conversation());
        }
        return new GeneratedChats(training, shipped);
    }

    /**
     * One single-turn conversation for every way the generator asks who the assistant is (greetings, who are you, its
     * name, its maker, "are you X?"), answered in this style: an identity data set in the words the default model was
     * trained on, so a short LoRA fine-tune can swap the name and author without having to learn new phrasing.
     */
    public List<Conversation> identityConversations() {
        List<Conversation> conversations = new ArrayList<>();
        for (String[] greeting : GREETINGS) {
            conversations.add(single(greeting[0], style.greeting(greeting[1])));
        }
        for (String question : WHO_ARE_YOU) {
            conversations.add(single(question, style.whoAreYou()));
        }
        for (String question : NAME) {
            conversations.add(single(question, style.name()));
        }
        for (String question : CREATOR) {
            conversations.add(single(question, style.creator()));
        }
        for (String other : OTHERS) {
            for (String form : ARE_YOU) {
                conversations.add(single(form.formatted(other), style.notSomeoneElse(other)));
            }
        }
        return conversations;
    }

    private static Conversation single(String question, String answer) {
        return new Conversation(0, null, null, List.of(Turn.user(question), Turn.assistant(answer)));
    }

    /** Arithmetic never asked in SFT in any wording; pre-training text states them, the shipped prompts ask them. */
    static final List<ArithmeticProblem> HELD_OUT_PROBLEMS = List.of(
            new ArithmeticProblem(7, Operation.PLUS, 8),
            new ArithmeticProblem(15, Operation.MINUS, 9),
            new ArithmeticProblem(6, Operation.TIMES, 7));

    private List<ShippedPrompt> shippedPrompts(Random ids) {
        String both = ExampleTools.list(List.of(ExampleTools.WEATHER_DESCRIBED, ExampleTools.TIME_DESCRIBED));
        String weatherOnly = ExampleTools.list(List.of(ExampleTools.WEATHER_BARE));
        List<ShippedPrompt> prompts = new ArrayList<>();
        prompts.add(single("greeting", "Hello!", style.greeting("Hello")));
        prompts.add(single("who-are-you", "Who are you?", style.whoAreYou()));
        prompts.add(single("creator", "Who made you?", style.creator()));
        prompts.add(single("how-are-you", "How are you?", style.howAreYou()));
        prompts.add(new ShippedPrompt("tools-offered-not-needed", false, new Conversation(0, null, both, List.of(
                Turn.user("Hi!"), Turn.assistant(style.greeting("Hi"))))));
        prompts.add(new ShippedPrompt("no-weather-tool", false, Conversation.of(null, List.of(
                Turn.user("What's the weather like in London?"), Turn.assistant(style.noWeatherTool())))));
        for (ArithmeticProblem problem : HELD_OUT_PROBLEMS) {
            String question = switch (problem.op()) {
                case PLUS -> "What is %d + %d?";
                case MINUS -> "What is %d minus %d?";
                case TIMES -> "What is %d times %d?";
            };
            prompts.add(new ShippedPrompt("arithmetic-" + problem.op().name().toLowerCase(java.util.Locale.ROOT), true,
                    Conversation.of(null, List.of(Turn.user(question.formatted(problem.a(), problem.b())),
                            Turn.assistant(style.arithmetic(problem))))));
        }
        String weatherQuestion = "What's the weather like in Paris?";
        ToolCall parisCall = new ToolCall(callId(ids), ExampleTools.GET_WEATHER, ExampleTools.weatherArguments("Paris", "celsius"));
        prompts.add(new ShippedPrompt("weather-call", true, new Conversation(0, null, both, List.of(
                Turn.user(weatherQuestion), Turn.assistantCalling("", List.of(parisCall))))));
        WeatherReport paris = new WeatherReport("Paris", 23, "celsius", "cloudy");
        prompts.add(new ShippedPrompt("weather-answer", true, new Conversation(0, null, both, List.of(
                Turn.user(weatherQuestion), Turn.assistantCalling("", List.of(parisCall)),
                Turn.tool(paris.json(), parisCall.id()), Turn.assistant(style.weather(List.of(paris)))))));
        String fahrenheitQuestion = "What is the temperature in New York in fahrenheit?";
        prompts.add(new ShippedPrompt("weather-call-fahrenheit", true, new Conversation(0, null, weatherOnly, List.of(
                Turn.user(fahrenheitQuestion), Turn.assistantCalling("", List.of(new ToolCall(callId(ids),
                        ExampleTools.GET_WEATHER, ExampleTools.weatherArguments("New York", "fahrenheit"))))))));
        String timeQuestion = "What time is it in Tokyo?";
        ToolCall tokyoCall = new ToolCall(callId(ids), ExampleTools.GET_TIME, ExampleTools.timeArguments("Asia/Tokyo"));
        TimeReport tokyo = new TimeReport("Asia/Tokyo", "09:41");
        prompts.add(new ShippedPrompt("time-call", true, new Conversation(0, null, both, List.of(
                Turn.user(timeQuestion), Turn.assistantCalling("", List.of(tokyoCall))))));
        prompts.add(new ShippedPrompt("time-answer", true, new Conversation(0, null, both, List.of(
                Turn.user(timeQuestion), Turn.assistantCalling("", List.of(tokyoCall)),
                Turn.tool(tokyo.json(), tokyoCall.id()), Turn.assistant(style.time(tokyo))))));
        return prompts;
    }

    private static ShippedPrompt single(String id, String question, String answer) {
        return new ShippedPrompt(id, false, Conversation.of(null, List.of(Turn.user(question), Turn.assistant(answer))));
    }

    /** An OpenAI-style call id: "call_" and 24 letters and digits. */
    private static String callId(Random random) {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }

    /** One pass of random draws; every draw happens in the same order whatever the style. */
    private final class Session {

        private final Random random;
        private final Set<String> heldOutTexts;
        private final Set<ArithmeticProblem> heldOutProblems;

        Session(Random random, Set<String> heldOutTexts, Set<ArithmeticProblem> heldOutProblems) {
            this.random = random;
            this.heldOutTexts = heldOutTexts;
            this.heldOutProblems = heldOutProblems;
        }

        Conversation conversation() {
            List<String> tools = tools();
            boolean weatherTool = tools.stream().anyMatch(t -> t.contains("\"" + ExampleTools.GET_WEATHER + "\""));
            boolean timeTool = tools.stream().anyMatch(t -> t.contains("\"" + ExampleTools.GET_TIME + "\""));
            String system = random.nextInt(100) < 20 ? pick(SYSTEMS) : null;
            int r = random.nextInt(100);
            int exchanges = r < 60 ? 1 : r < 90 ? 2 : 3;
            List<Turn> turns = new ArrayList<>();
            for (int i = 0; i < exchanges; i++) {
                exchange(turns, intent(i, exchanges, weatherTool, timeTool), weatherTool, timeTool);
            }
            return new Conversation(0, system, tools.isEmpty() ? null : ExampleTools.list(tools), turns);
        }

        private List<String> tools() {
            String weather = random.nextBoolean() ? ExampleTools.WEATHER_DESCRIBED : ExampleTools.WEATHER_BARE;
            String time = random.nextBoolean() ? ExampleTools.TIME_DESCRIBED : ExampleTools.TIME_BARE;
            int r = random.nextInt(100);
            if (r < 40) {
                return List.of();
            } else if (r < 65) {
                return List.of(weather, time);
            } else if (r < 75) {
                return List.of(time, weather);
            } else if (r < 88) {
                return List.of(weather);
            }
            return List.of(time);
        }

        private Intent intent(int index, int exchanges, boolean weatherTool, boolean timeTool) {
            boolean first = index == 0;
            boolean last = index == exchanges - 1;
            boolean anyTool = weatherTool || timeTool;
            int[] weights = new int[Intent.values().length];
            weights[Intent.GREETING.ordinal()] = first ? 14 : 0;
            weights[Intent.HOW_ARE_YOU.ordinal()] = 4;
            weights[Intent.THANKS.ordinal()] = first ? 1 : 10;
            weights[Intent.GOODBYE.ordinal()] = last && !first ? 6 : 0;
            weights[Intent.CAPABILITIES.ordinal()] = 3;
            weights[Intent.JOKE.ordinal()] = 3;
            weights[Intent.WHO_ARE_YOU.ordinal()] = 6;
            weights[Intent.NAME.ordinal()] = 5;
            weights[Intent.CREATOR.ordinal()] = 5;
            weights[Intent.NOT_SOMEONE_ELSE.ordinal()] = 3;
            weights[Intent.ARITHMETIC.ordinal()] = 24;
            weights[Intent.WEATHER.ordinal()] = weatherTool ? 30 : anyTool ? 6 : 3;
            weights[Intent.WEATHER_TWO_CITIES.ordinal()] = weatherTool ? 5 : 0;
            weights[Intent.TIME.ordinal()] = timeTool ? 24 : anyTool ? 6 : 3;
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            int draw = random.nextInt(total);
            for (Intent intent : Intent.values()) {
                draw -= weights[intent.ordinal()];
                if (draw < 0) {
                    return intent;
                }
            }
            throw new IllegalStateException("weights sum to " + total);
        }

        private void exchange(List<Turn> turns, Intent intent, boolean weatherTool, boolean timeTool) {
            switch (intent) {
                case GREETING -> {
                    String[] greeting = GREETINGS[random.nextInt(GREETINGS.length)];
                    ask(turns, greeting[0], style.greeting(greeting[1]));
                }
                case HOW_ARE_YOU -> ask(turns, pick(HOW_ARE_YOU), style.howAreYou());
                case THANKS -> ask(turns, pick(THANKS), style.thanks());
                case GOODBYE -> ask(turns, pick(GOODBYES), style.goodbye());
                case CAPABILITIES -> ask(turns, pick(CAPABILITIES), style.capabilities());
                case JOKE -> ask(turns, pick(JOKES), style.joke());
                case WHO_ARE_YOU -> ask(turns, pick(WHO_ARE_YOU), style.whoAreYou());
                case NAME -> ask(turns, pick(NAME), style.name());
                case CREATOR -> ask(turns, pick(CREATOR), style.creator());
                case NOT_SOMEONE_ELSE -> {
                    String other = pick(OTHERS);
                    ask(turns, pick(ARE_YOU).formatted(other), style.notSomeoneElse(other));
                }
                case ARITHMETIC -> arithmetic(turns);
                case WEATHER -> weather(turns, weatherTool);
                case WEATHER_TWO_CITIES -> weatherTwoCities(turns);
                case TIME -> time(turns, timeTool);
            }
        }

        private void ask(List<Turn> turns, String question, String answer) {
            turns.add(Turn.user(question));
            turns.add(Turn.assistant(answer));
        }

        private void arithmetic(List<Turn> turns) {
            while (true) {
                int r = random.nextInt(100);
                ArithmeticProblem problem;
                String question;
                if (r < 40) {
                    problem = new ArithmeticProblem(random.nextInt(21), Operation.PLUS, random.nextInt(21));
                    question = pick(PLUS).formatted(problem.a(), problem.b());
                } else if (r < 70) {
                    int a = random.nextInt(21);
                    problem = new ArithmeticProblem(a, Operation.MINUS, random.nextInt(a + 1));
                    boolean reversed = random.nextInt(4) == 0;
                    question = reversed ? pick(MINUS_REVERSED).formatted(problem.b(), problem.a())
                            : pick(MINUS).formatted(problem.a(), problem.b());
                } else {
                    problem = new ArithmeticProblem(random.nextInt(11), Operation.TIMES, random.nextInt(11));
                    question = pick(TIMES).formatted(problem.a(), problem.b());
                }
                if (!heldOutProblems.contains(problem) && !heldOutTexts.contains(question)) {
                    ask(turns, question, style.arithmetic(problem));
                    return;
                }
            }
        }

        private void weather(List<Turn> turns, boolean weatherTool) {
            City city = pick(City.ALL);
            int r = random.nextInt(100);
            String unit = r < 20 ? "fahrenheit" : "celsius";
            String question = r < 20 ? pick(WEATHER_FAHRENHEIT).formatted(city.name())
                    : r < 30 ? pick(WEATHER_CELSIUS).formatted(city.name())
                    : !weatherTool && r < 40 ? pick(WEATHER_NO_CITY)
                    : pick(WEATHER).formatted(city.name());
            WeatherReport report = weatherReport(city, unit);
            String id = callId(random);
            if (heldOutTexts.contains(question)) {
                weather(turns, weatherTool);
                return;
            }
            turns.add(Turn.user(question));
            if (!weatherTool) {
                turns.add(Turn.assistant(style.noWeatherTool()));
                return;
            }
            turns.add(Turn.assistantCalling("", List.of(new ToolCall(id, ExampleTools.GET_WEATHER,
                    ExampleTools.weatherArguments(city.name(), unit)))));
            turns.add(Turn.tool(report.json(), id));
            turns.add(Turn.assistant(style.weather(List.of(report))));
        }

        private void weatherTwoCities(List<Turn> turns) {
            City first = pick(City.ALL);
            City second = pick(City.ALL);
            while (second.equals(first)) {
                second = pick(City.ALL);
            }
            String unit = random.nextInt(100) < 20 ? "fahrenheit" : "celsius";
            String question = pick(WEATHER_TWO).formatted(first.name(), second.name())
                    + ("fahrenheit".equals(unit) ? " Use fahrenheit." : "");
            List<ToolCall> calls = new ArrayList<>();
            List<WeatherReport> reports = new ArrayList<>();
            for (City city : List.of(first, second)) {
                calls.add(new ToolCall(callId(random), ExampleTools.GET_WEATHER, ExampleTools.weatherArguments(city.name(), unit)));
                reports.add(weatherReport(city, unit));
            }
            turns.add(Turn.user(question));
            turns.add(Turn.assistantCalling("", calls));
            for (int i = 0; i < calls.size(); i++) {
                turns.add(Turn.tool(reports.get(i).json(), calls.get(i).id()));
            }
            turns.add(Turn.assistant(style.weather(reports)));
        }

        private void time(List<Turn> turns, boolean timeTool) {
            City city = pick(City.ALL);
            int r = random.nextInt(100);
            String question = r < 25 ? pick(TIME_ZONE).formatted(city.timezone())
                    : !timeTool && r < 45 ? pick(TIME_NO_CITY)
                    : pick(TIME_CITY).formatted(city.name());
            TimeReport report = new TimeReport(city.timezone(), "%02d:%02d".formatted(random.nextInt(24), random.nextInt(60)));
            String id = callId(random);
            if (heldOutTexts.contains(question)) {
                time(turns, timeTool);
                return;
            }
            turns.add(Turn.user(question));
            if (!timeTool) {
                turns.add(Turn.assistant(style.noTimeTool()));
                return;
            }
            turns.add(Turn.assistantCalling("", List.of(new ToolCall(id, ExampleTools.GET_TIME,
                    ExampleTools.timeArguments(city.timezone())))));
            turns.add(Turn.tool(report.json(), id));
            turns.add(Turn.assistant(style.time(report)));
        }

        /** A plausible report: snow only below 3 °C (37 °F), temperatures in the unit asked for. */
        private WeatherReport weatherReport(City city, String unit) {
            int celsius = random.nextInt(41) - 5;
            String condition = pick(CONDITIONS);
            if ("snowy".equals(condition) && celsius > 2) {
                condition = "cloudy";
            }
            int temperature = "fahrenheit".equals(unit) ? Math.round(celsius * 9 / 5f) + 32 : celsius;
            return new WeatherReport(city.name(), temperature, unit, condition);
        }

        private String pick(String[] options) {
            return options[random.nextInt(options.length)];
        }

        private <T> T pick(List<T> options) {
            return options.get(random.nextInt(options.size()));
        }
    }
}
