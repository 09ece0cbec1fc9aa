package io.clickstream.protocol;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) in two steps, for a process whose stop takes a while on purpose (a worker
 * delivering held-back events at their due times): the first signal starts the graceful stop, the second
 * cuts it short, a third ends the process at once. A JVM shutdown hook cannot do this: once shutdown has
 * begun the JVM ignores further signals, so the operator would have no way to say "now".
 *
 * <p>sun.misc.Signal (module jdk.unsupported) is the JDK's only way to take over a signal; it is
 * exported to class-path code without flags.
 */
public final class StopSignals {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

  private StopSignals() {
  }

  /**
   * @param graceful started by the first signal, on the signal's thread; must not block
   * @param force run by the second signal; must not block
   */
  public static void install(String role, Runnable graceful, Runnable force) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        switch (received.incrementAndGet()) {
          case 1 -> {
            LOG.info("SIG{}: stopping the {} gracefully (signal again to cut it short)", signal.getName(), role);
            graceful.run();
          }
          case 2 -> {
            LOG.warn("SIG{} again: cutting the {}'s stop short", signal.getName(), role);
            force.run();
          }
          default -> {
            LOG.error("SIG{} a third time: exiting now", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
          }
        }
      });
    }
  }
}
