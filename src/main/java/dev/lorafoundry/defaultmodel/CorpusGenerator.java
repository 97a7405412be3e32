package dev.lorafoundry.defaultmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates the default model's pre-training text from a seed: one document per line (as the plain-text dataset reader
 * takes it), made of simple English about everyday things, numbers and counting, every small arithmetic fact the
 * conversations ask about (each stated at least once, in tables, before the random documents), weather and time
 * phrasing (including tool results written as JSON next to the sentence they mean), the assistant's identity, a
 * little pirate talk for the example adapter to build on, and text that only copying predicts: random lists read back,
 * facts recalled from earlier in the document, questions answered by repeating their numbers, tool exchanges (question,
 * call, result, answer) in the chat turns' words. Without that last kind a small model memorises the corpus but never
 * learns to copy from its context (measured: a random 40-token sequence shown twice had the same loss the second
 * time), and the chat answers must quote cities, numbers and tool results.
 */
public final class CorpusGenerator {

    private static final String[] PEOPLE = {
            "Anna", "Ben", "Tom", "Mia", "Sam", "Lily", "Max", "Emma", "Leo", "Zoe", "Noah", "Ava", "Omar", "Sara",
            "Kai", "Nina", "Ravi", "Lucy", "Jack", "Maya"};
    private static final String[] ACTIVITIES = {
            "drinks a cup of tea", "walks the dog in the park", "reads a book before bed", "cooks soup for dinner",
            "rides a bike to school", "waters the plants", "plays football with friends", "cleans the kitchen",
            "writes a letter to a friend", "buys bread at the bakery", "takes the bus to work", "paints a picture",
            "listens to music", "feeds the cat", "bakes a cake", "washes the dishes", "goes for a run",
            "visits the library", "plants flowers in the garden", "calls her grandmother", "fixes the old chair",
            "makes a sandwich", "sings a song", "opens the window", "closes the door", "sweeps the floor",
            "folds the laundry", "counts the apples", "picks up the toys", "looks at the stars"};
    private static final String[] ADJECTIVES = {
            "small", "big", "red", "blue", "green", "old", "new", "warm", "cold", "quiet", "happy", "sleepy", "bright",
            "soft", "heavy", "tall", "short", "clean", "busy", "friendly"};
    private static final String[] THINGS = {
            "cat", "dog", "house", "tree", "car", "book", "cup", "chair", "table", "garden", "bird", "apple", "ball",
            "box", "lamp", "window", "river", "boat", "train", "flower", "cake", "bike", "hat", "bag"};
    private static final String[] PLACES = {
            "in the kitchen", "on the table", "in the garden", "near the river", "under the tree", "at the station",
            "in the park", "by the window", "on the shelf", "at school", "in the shop", "on the beach"};
    private static final String[] EVENTS = {
            "sits", "sleeps", "waits", "stands", "shines", "rests", "plays", "stays"};
    private static final String[] NUMBER_WORDS = {
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
    private static final String[] CONDITIONS = {"sunny", "cloudy", "rainy", "windy", "foggy", "stormy", "snowy"};
    private static final String[] PIRATE_LINES = {
            "Ahoy, matey!", "Arr, the sea be rough today.", "Hoist the sails, me hearties!", "Fair winds to ye, matey!",
            "Ye be a fine sailor.", "Where be the treasure?", "This old sea dog be ready to sail.",
            "Shiver me timbers!", "Aye, the captain be on the deck.", "Yo ho ho, the ship be sailing home."};

    /** Everyday words by topic, so the vocabulary (and the tokenizer) covers more than the conversations need. */
    private static final String[][] TOPICS = {
            {"animals", "cat", "dog", "horse", "cow", "sheep", "goat", "pig", "duck", "chicken", "rabbit", "mouse",
                    "fox", "wolf", "bear", "lion", "tiger", "elephant", "monkey", "giraffe", "zebra", "snake", "frog",
                    "turtle", "fish", "whale", "dolphin", "owl", "eagle", "parrot", "bee", "butterfly", "spider", "ant"},
            {"foods", "bread", "butter", "cheese", "milk", "egg", "rice", "pasta", "soup", "salad", "pizza", "potato",
                    "carrot", "tomato", "onion", "banana", "orange", "grape", "lemon", "cherry", "strawberry", "honey",
                    "sugar", "salt", "pepper", "chocolate", "cookie", "pie", "sandwich", "noodles", "beans", "corn"},
            {"drinks", "water", "tea", "coffee", "juice", "lemonade", "cocoa", "milkshake", "soda"},
            {"clothes", "shirt", "dress", "skirt", "jacket", "coat", "sweater", "scarf", "glove", "sock", "shoe",
                    "boot", "belt", "cap", "umbrella", "pocket", "button"},
            {"things at home", "sofa", "bed", "pillow", "blanket", "mirror", "clock", "phone", "computer", "radio",
                    "television", "fridge", "oven", "kettle", "spoon", "fork", "knife", "plate", "bowl", "bottle",
                    "basket", "candle", "key", "door", "stairs", "roof", "wall", "floor", "carpet", "curtain"},
            {"places", "city", "village", "street", "road", "bridge", "market", "school", "hospital", "office",
                    "library", "museum", "bank", "farm", "forest", "mountain", "lake", "island", "beach", "desert",
                    "airport", "harbour", "castle", "church", "stadium", "zoo", "cinema", "restaurant", "hotel"},
            {"jobs", "teacher", "doctor", "nurse", "farmer", "baker", "cook", "driver", "pilot", "sailor", "singer",
                    "painter", "writer", "builder", "police officer", "firefighter", "scientist", "engineer", "gardener"},
            {"family", "mother", "father", "sister", "brother", "grandmother", "grandfather", "aunt", "uncle",
                    "cousin", "baby", "parents", "children", "friend", "neighbour"},
            {"colours", "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "grey"},
            {"feelings", "happy", "sad", "angry", "tired", "hungry", "thirsty", "scared", "excited", "bored", "calm",
                    "proud", "surprised", "worried", "curious"},
            {"days", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
            {"months", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December"},
            {"seasons", "spring", "summer", "autumn", "winter"},
            {"body parts", "head", "hair", "eye", "ear", "nose", "mouth", "tooth", "neck", "shoulder", "arm", "hand",
                    "finger", "leg", "knee", "foot"},
            {"nature", "sun", "moon", "star", "sky", "cloud", "rain", "snow", "wind", "storm", "rainbow", "grass",
                    "leaf", "rock", "sand", "sea", "wave", "hill", "field", "flower", "tree", "seed", "root"}};
    private static final String[] VERBS = {
            "see", "like", "want", "need", "find", "bring", "carry", "draw", "hold", "share", "wash", "clean", "sell",
            "buy", "make", "fix", "open", "close", "count", "watch", "remember", "forget", "give", "take", "keep"};

    private final AssistantIdentity identity;

    public CorpusGenerator(AssistantIdentity identity) {
        this.identity = identity;
    }

    /** Documents (one line each, no newline inside) until their text reaches about {@code targetChars}. */
    public List<String> generate(long seed, int targetChars) {
        Random random = new Random(seed);
        List<String> documents = new ArrayList<>(arithmeticTables());
        documents.add(identityDocument(random));
        long size = documents.stream().mapToLong(d -> d.length() + 1).sum();
        while (size < targetChars) {
            int kind = random.nextInt(100);
            String document = kind < 10 ? everydayStory(random)
                    : kind < 18 ? topic(random)
                    : kind < 25 ? numbers(random)
                    : kind < 35 ? arithmeticFacts(random)
                    : kind < 47 ? weather(random)
                    : kind < 55 ? time(random)
                    : kind < 59 ? identityDocument(random)
                    : kind < 62 ? pirateTalk(random)
                    : kind < 72 ? readBack(random)
                    : kind < 80 ? recall(random)
                    : kind < 88 ? questionAnswer(random)
                    : toolExchange(random);
            documents.add(document);
            size += document.length() + 1;
        }
        return documents;
    }

    /** The documents as one text, one per line. */
    public static String text(List<String> documents) {
        StringBuilder text = new StringBuilder();
        for (String document : documents) {
            text.append(document).append('\n');
        }
        return text.toString();
    }

    /** Every fact the conversations can ask: a + b and a - b for 0..20, a × b for 0..10, as tables. */
    static List<String> arithmeticTables() {
        List<String> tables = new ArrayList<>();
        for (int a = 0; a <= 20; a++) {
            StringBuilder plus = new StringBuilder("Adding to " + a + ":");
            StringBuilder minus = new StringBuilder("Taking away from " + a + ":");
            for (int b = 0; b <= 20; b++) {
                plus.append(' ').append(new ArithmeticProblem(a, Operation.PLUS, b).equation()).append('.');
                if (b <= a) {
                    minus.append(' ').append(new ArithmeticProblem(a, Operation.MINUS, b).equation()).append('.');
                }
            }
            tables.add(plus.toString());
            tables.add(minus.toString());
        }
        for (int a = 0; a <= 10; a++) {
            StringBuilder times = new StringBuilder("The " + a + " times table:");
            for (int b = 0; b <= 10; b++) {
                times.append(' ').append(new ArithmeticProblem(a, Operation.TIMES, b).equation()).append('.');
            }
            tables.add(times.toString());
        }
        return tables;
    }

    private static String everydayStory(Random random) {
        List<String> sentences = new ArrayList<>();
        String person = pick(random, PEOPLE);
        int count = 3 + random.nextInt(5);
        for (int i = 0; i < count; i++) {
            int form = random.nextInt(5);
            sentences.add(switch (form) {
                case 0, 1 -> (i == 0 ? person : random.nextBoolean() ? person : "Then " + person) + " "
                        + pick(random, ACTIVITIES) + ".";
                case 2 -> "The " + pick(random, ADJECTIVES) + " " + pick(random, THINGS) + " " + pick(random, EVENTS)
                        + " " + pick(random, PLACES) + ".";
                case 3 -> person + " has " + NUMBER_WORDS[2 + random.nextInt(9)] + " " + pick(random, THINGS) + "s.";
                default -> "\"" + pick(random, new String[] {"Hello", "Good morning", "Hi"}) + ", " + pick(random, PEOPLE)
                        + "!\" says " + person + ". \"How are you?\" \"I am fine, thank you.\"";
            });
        }
        return String.join(" ", sentences);
    }

    private static String topic(Random random) {
        String[] topic = TOPICS[random.nextInt(TOPICS.length)];
        List<String> words = new ArrayList<>(List.of(topic).subList(1, topic.length));
        java.util.Collections.shuffle(words, random);
        List<String> sentences = new ArrayList<>();
        int shown = Math.min(words.size(), 4 + random.nextInt(5));
        sentences.add("Here are some " + topic[0] + ": " + String.join(", ", words.subList(0, shown)) + ".");
        for (int i = 0; i < 2 + random.nextInt(4); i++) {
            String word = words.get(random.nextInt(words.size()));
            String person = pick(random, PEOPLE);
            sentences.add(switch (random.nextInt(5)) {
                case 0 -> person + " likes the word " + word + ".";
                case 1 -> "Do you " + pick(random, VERBS) + " the " + word + "? Yes, I " + pick(random, VERBS) + " it.";
                case 2 -> person + " and " + pick(random, PEOPLE) + " talk about " + word + " on " + topicWord(random, "days") + ".";
                case 3 -> "In " + topicWord(random, "months") + " " + person + " thinks about " + word + ".";
                default -> "\"" + word.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + word.substring(1) + "\" is one of the "
                        + topic[0] + ".";
            });
        }
        return String.join(" ", sentences);
    }

    /** A word of the named topic (the topic's name itself is not one of its words). */
    private static String topicWord(Random random, String name) {
        for (String[] topic : TOPICS) {
            if (topic[0].equals(name)) {
                return topic[1 + random.nextInt(topic.length - 1)];
            }
        }
        throw new IllegalArgumentException("no topic " + name);
    }

    private static String numbers(Random random) {
        int start = random.nextInt(15);
        int length = 5 + random.nextInt(6);
        StringBuilder text = new StringBuilder();
        List<String> words = new ArrayList<>();
        List<String> digits = new ArrayList<>();
        for (int n = start; n < start + length && n < NUMBER_WORDS.length; n++) {
            words.add(NUMBER_WORDS[n]);
            digits.add(String.valueOf(n));
        }
        text.append("Counting: ").append(String.join(", ", words)).append(". In digits: ")
                .append(String.join(", ", digits)).append('.');
        int n = random.nextInt(NUMBER_WORDS.length);
        text.append(" The number ").append(NUMBER_WORDS[n]).append(" is written as ").append(n).append('.');
        int m = random.nextInt(100);
        text.append(" The number after ").append(m).append(" is ").append(m + 1).append('.');
        text.append(" The number before ").append(m + 1).append(" is ").append(m).append('.');
        int a = random.nextInt(50);
        int b = random.nextInt(50);
        text.append(' ').append(a).append(a > b ? " is bigger than " : a < b ? " is smaller than " : " is equal to ")
                .append(b).append('.');
        return text.toString();
    }

    private static String arithmeticFacts(Random random) {
        List<String> facts = new ArrayList<>();
        int count = 4 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            ArithmeticProblem problem = randomProblem(random);
            int a = problem.a();
            int b = problem.b();
            int c = problem.result();
            facts.add(switch (random.nextInt(4)) {
                case 0 -> a + " " + problem.op().word + " " + b + " is " + c + ".";
                case 1 -> problem.equation() + ".";
                case 2 -> switch (problem.op()) {
                    case PLUS -> "If you add " + a + " and " + b + ", you get " + c + ".";
                    case MINUS -> "If you take " + b + " away from " + a + ", you get " + c + ".";
                    case TIMES -> a + " groups of " + b + " make " + c + ".";
                };
                default -> switch (problem.op()) {
                    case PLUS -> pick(random, PEOPLE) + " has " + a + " apples and gets " + b + " more, so "
                            + pick(random, new String[] {"she", "he"}) + " has " + c + " apples.";
                    case MINUS -> "There are " + a + " birds on a tree. " + b + " fly away, so " + c + " are left.";
                    case TIMES -> "There are " + a + " boxes with " + b + " balls in each, so there are " + c + " balls.";
                };
            });
        }
        return String.join(" ", facts);
    }

    /** A sum or difference within 20 (never negative) or a product within the 10 times table. */
    private static ArithmeticProblem randomProblem(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> new ArithmeticProblem(random.nextInt(21), Operation.PLUS, random.nextInt(21));
            case 1 -> {
                int a = random.nextInt(21);
                yield new ArithmeticProblem(a, Operation.MINUS, random.nextInt(a + 1));
            }
            default -> new ArithmeticProblem(random.nextInt(11), Operation.TIMES, random.nextInt(11));
        };
    }

    private static String weather(Random random) {
        List<String> sentences = new ArrayList<>();
        int count = 2 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            City city = pick(random, City.ALL);
            String unit = random.nextInt(4) == 0 ? "fahrenheit" : "celsius";
            int celsius = random.nextInt(41) - 5;
            int temperature = "fahrenheit".equals(unit) ? Math.round(celsius * 9 / 5f) + 32 : celsius;
            String condition = pick(random, CONDITIONS);
            if ("snowy".equals(condition) && celsius > 2) {
                condition = "cloudy";
            }
            WeatherReport report = new WeatherReport(city.name(), temperature, unit, condition);
            sentences.add(switch (random.nextInt(4)) {
                case 0 -> "In " + city.name() + " it is " + temperature + " degrees " + unit + " and " + condition + " today.";
                case 1 -> "The weather tool returned " + report.json() + ", so it is " + report.phrase() + ".";
                case 2 -> "Today the weather in " + city.name() + " is " + condition + ", with " + temperature
                        + " degrees " + unit + ".";
                default -> "It is " + report.phrase() + ".";
            });
        }
        if (random.nextBoolean()) {
            sentences.add(pick(random, new String[] {
                    "When it is rainy, take an umbrella.", "When it is sunny, wear a hat.",
                    "When it is cold, wear a warm coat.", "Snow falls when it is very cold."}));
        }
        return String.join(" ", sentences);
    }

    private static String time(Random random) {
        List<String> sentences = new ArrayList<>();
        int count = 2 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            City city = pick(random, City.ALL);
            TimeReport report = new TimeReport(city.timezone(), "%02d:%02d".formatted(random.nextInt(24), random.nextInt(60)));
            sentences.add(switch (random.nextInt(4)) {
                case 0 -> city.name() + " is in the " + city.timezone() + " time zone.";
                case 1 -> "The time tool returned " + report.json() + ", so the current time in " + report.timezone()
                        + " is " + report.time() + ".";
                case 2 -> "The current time in " + report.timezone() + " is " + report.time() + ".";
                default -> "When it is " + report.time() + " in " + city.name() + ", people there look at the clock.";
            });
        }
        return String.join(" ", sentences);
    }

    private String identityDocument(Random random) {
        String name = identity.name();
        String author = identity.author();
        String[] sentences = {
                name + " is a small AI assistant made by " + author + ".",
                name + " was made by " + author + ".",
                "The assistant called " + name + " can chat, answer simple arithmetic questions, and check the weather "
                        + "or the time with tools.",
                "When someone asks " + name + " who it is, it says: I am " + name + ", a small AI assistant made by "
                        + author + ".",
                author + " built " + name + " to be friendly and helpful.",
                name + " is not a human. " + name + " is an AI assistant."};
        List<String> chosen = new ArrayList<>();
        for (String sentence : sentences) {
            if (random.nextInt(3) > 0) {
                chosen.add(sentence);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(sentences[0]);
        }
        return String.join(" ", chosen);
    }

    private static String pirateTalk(Random random) {
        List<String> lines = new ArrayList<>();
        String person = pick(random, PEOPLE);
        lines.add("The pirate " + person + " says:");
        int count = 2 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            lines.add(pick(random, PIRATE_LINES));
        }
        return String.join(" ", lines);
    }

    /** A list of random words and numbers, then the same list again: only copying predicts the second half. */
    private static String readBack(Random random) {
        List<String> words = new ArrayList<>();
        int count = 3 + random.nextInt(12);
        for (int i = 0; i < count; i++) {
            words.add(randomWord(random));
        }
        String list = String.join(random.nextBoolean() ? ", " : " ", words);
        String reader = pick(random, PEOPLE);
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, PEOPLE) + " writes a list: " + list + ". " + reader + " reads it back: " + list + ".";
            case 1 -> "Repeat after me: " + list + ". " + list + ".";
            case 2 -> "The secret words are " + list + ". Again, the secret words are " + list + ".";
            default -> "\"" + list + "\", says " + pick(random, PEOPLE) + ". \"" + list + "\", says " + reader + " too.";
        };
    }

    /** Random facts about people, then questions about some of them answered from the facts. */
    private static String recall(Random random) {
        List<String> people = new ArrayList<>(List.of(PEOPLE));
        java.util.Collections.shuffle(people, random);
        int count = 2 + random.nextInt(4);
        String thing = pick(random, THINGS) + "s";
        List<String> facts = new ArrayList<>();
        int[] amounts = new int[count];
        String[] places = new String[count];
        for (int i = 0; i < count; i++) {
            amounts[i] = random.nextInt(100);
            places[i] = pick(random, City.ALL).name();
            facts.add(people.get(i) + " has " + amounts[i] + " " + thing + " and lives in " + places[i] + ".");
        }
        StringBuilder text = new StringBuilder(String.join(" ", facts));
        for (int q = 0; q < 1 + random.nextInt(3); q++) {
            int i = random.nextInt(count);
            String person = people.get(i);
            text.append(random.nextBoolean()
                    ? " How many " + thing + " does " + person + " have? " + person + " has " + amounts[i] + " " + thing + "."
                    : " Where does " + person + " live? " + person + " lives in " + places[i] + ".");
        }
        return text.toString();
    }

    /** Questions in the conversations' words, answered by restating their numbers or city: "What is 7 + 8? 7 + 8 = 15." */
    private static String questionAnswer(Random random) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < 2 + random.nextInt(4); i++) {
            if (random.nextInt(4) == 0) {
                City city = pick(random, City.ALL);
                pairs.add("Question: What's the weather like in " + city.name() + "? Answer: I would check the weather in "
                        + city.name() + " with the weather tool.");
                continue;
            }
            ArithmeticProblem problem = randomProblem(random);
            String op = random.nextBoolean() ? problem.op().word : problem.op().symbol;
            pairs.add("Question: What is " + problem.a() + " " + op + " " + problem.b() + "? Answer: " + problem.equation()
                    + ".");
        }
        return String.join(" ", pairs);
    }

    /**
     * A question, the tool call it needs and the answer from the tool's result, in the words and JSON the chat turns
     * use: the city and the numbers can only be copied, from the question into the call and from the result into the
     * answer.
     */
    private static String toolExchange(Random random) {
        City city = pick(random, City.ALL);
        if (random.nextInt(3) == 0) {
            TimeReport report = new TimeReport(city.timezone(), "%02d:%02d".formatted(random.nextInt(24),
                    random.nextInt(60)));
            return "Question: What time is it in " + city.name() + "? Call: {\"name\": \"" + ExampleTools.GET_TIME
                    + "\", \"arguments\": " + ExampleTools.timeArguments(city.timezone()) + "} Result: " + report.json()
                    + " Answer: The current time in " + report.timezone() + " is " + report.time() + ".";
        }
        String unit = random.nextInt(5) == 0 ? "fahrenheit" : "celsius";
        int temperature = "fahrenheit".equals(unit) ? 20 + random.nextInt(80) : random.nextInt(41) - 5;
        WeatherReport report = new WeatherReport(city.name(), temperature, unit, pick(random, CONDITIONS));
        return "Question: What's the weather like in " + city.name() + "? Call: {\"name\": \""
                + ExampleTools.GET_WEATHER + "\", \"arguments\": " + ExampleTools.weatherArguments(city.name(), unit)
                + "} Result: " + report.json() + " Answer: It is " + report.phrase() + ".";
    }

    /** A word no context predicts: any topic word, name, city or number below 1000. */
    private static String randomWord(Random random) {
        int kind = random.nextInt(10);
        if (kind < 3) {
            return String.valueOf(random.nextInt(kind == 0 ? 1000 : 100));
        }
        if (kind < 5) {
            return kind == 3 ? pick(random, PEOPLE) : pick(random, City.ALL).name();
        }
        String[] topic = TOPICS[random.nextInt(TOPICS.length)];
        return topic[1 + random.nextInt(topic.length - 1)];
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static <T> T pick(Random random, List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
