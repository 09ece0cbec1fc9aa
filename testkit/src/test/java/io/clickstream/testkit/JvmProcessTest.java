package io.clickstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessTest {

    @TempDir
    Path tmp;

    private JvmProcess.Builder sleeper() {
        return JvmProcess.mainClass(Sleeper.class.getName()).inheritClasspath().jvmArgs("-Xmx32m")
                .logFile(tmp.resolve("sleeper.log"));
    }

    @Test
    void mergesOutputWaitsForLogAndHandlesSignals() throws Exception {
        try (JvmProcess p = sleeper().env("GREETING", "hi").args("a", "b").start()) {
            var m = p.waitForLog(Pattern.compile("GREETING=(\\w+) args=(\\S+)"), Duration.ofSeconds(20));
            assertThat(m.group(1)).isEqualTo("hi");
            assertThat(m.group(2)).isEqualTo("a,b");
            p.waitForLog(Pattern.compile("ready on stderr"), Duration.ofSeconds(5));

            p.signal("STOP");
            assertThat(awaitProcState(p.pid(), true)).isEqualTo('T');
            p.signal("SIGCONT");
            assertThat(awaitProcState(p.pid(), false)).isNotEqualTo('T');

            p.signal("TERM");
            assertThat(p.waitForExit(Duration.ofSeconds(10))).isEqualTo(143);
            assertThat(p.isAlive()).isFalse();
            assertThat(p.logText()).contains("sleeper: bye");
        }
    }

    @Test
    void relaunchWithSameLogOnlySeesItsOwnOutput() {
        try (JvmProcess first = sleeper().args("exit", "3").start()) {
            assertThat(first.waitForExit(Duration.ofSeconds(20))).isEqualTo(3);
        }
        try (JvmProcess second = sleeper().args("second").start()) {
            second.waitForLog(Pattern.compile("args=second"), Duration.ofSeconds(20));
            assertThat(second.logText()).doesNotContain("args=exit");
            second.signal("KILL");
            assertThat(second.waitForExit(Duration.ofSeconds(10))).isEqualTo(137);
            assertThat(second.logText()).doesNotContain("bye");
        }
    }

    @Test
    void waitForLogFailsFastWithTheLogTailWhenTheProcessDies() {
        try (JvmProcess p = sleeper().args("exit", "7").start()) {
            assertThatThrownBy(() -> p.waitForLog(Pattern.compile("never printed"), Duration.ofSeconds(30)))
                    .hasMessageContaining("exited with code 7")
                    .hasMessageContaining("sleeper: GREETING=null");
        }
    }

    @Test
    void brokerMainRejectsBadArgumentsByName() {
        try (JvmProcess p = JvmProcess.mainClass(EmbeddedKafka.MAIN_CLASS)
                .classpath(EmbeddedKafka.brokerClasspath())
                .args("--data-dir", tmp.toString(), "--port", "abc")
                .logFile(tmp.resolve("broker-args.log")).start()) {
            assertThat(p.waitForExit(Duration.ofSeconds(20))).isEqualTo(2);
            assertThat(p.logText()).contains("--port must be a number, got 'abc'").contains("usage:");
        }
    }

    /** Field 3 of /proc/PID/stat, polled: the state changes asynchronously after the signal. */
    private static char awaitProcState(long pid, boolean stopped) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            if ((state == 'T') == stopped || System.nanoTime() - deadline > 0) {
                return state;
            }
            Thread.sleep(10);
        }
    }
}
