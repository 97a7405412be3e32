package dev.lorafoundry.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test class's {@code main} in a fresh JVM with this JVM's options and class path (agents left out): for
 * measurements that the test JVM's own history would disturb, or that depend on the environment a process starts with.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Runs {@code main.main()} with the extra environment variables, prints its output, and asserts that it finished
     * within the timeout with exit code 0.
     */
    public static void runMain(Class<?> main, Map<String, String> environment, long timeoutSeconds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-javaagent") && !a.startsWith("-agentlib")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(timeoutSeconds, TimeUnit.SECONDS), "the measuring JVM did not finish");
        System.out.print(output);
        assertEquals(0, child.exitValue(), "the measuring JVM failed:\n" + output);
    }
}
