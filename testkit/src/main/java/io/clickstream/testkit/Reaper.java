package io.clickstream.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills every child JVM still running when the test JVM exits, so that a crashed or interrupted test run
 * leaves no broker or worker behind (except on SIGKILL of the test JVM, which runs no hook).
 */
final class Reaper {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::killAllRunning, "jvm-process-reaper"));
    }

    private Reaper() {
    }

    static void watch(Process process) {
        RUNNING.add(process);
    }

    static void forget(Process process) {
        RUNNING.remove(process);
    }

    private static void killAllRunning() {
        for (Process p : RUNNING) {
            p.destroyForcibly();
        }
        for (Process p : RUNNING) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
