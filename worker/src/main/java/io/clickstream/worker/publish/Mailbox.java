package io.clickstream.worker.publish;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The generator thread's mailbox: every change (an assignment, a rate, a truth cut) comes in as a command
 * that the thread runs between events, so the simulator and the pacer are never shared. Once the thread
 * is done, commands run on the caller's thread, since nothing else would run them (commands check
 * {@link #finished()} and then touch no simulation state).
 */
final class Mailbox {
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Thread owner;
  /** Set once the owner is done: commands then answer from what it left. */
  private volatile boolean finished;

  Mailbox(Thread owner) {
    this.owner = owner;
  }

  /** Queues {@code command} and wakes the owner; runs it here if the owner is done. */
  void submit(Runnable command) {
    commands.add(command);
    LockSupport.unpark(owner);
    if (finished) {
      runPending();
    }
  }

  /** Runs what is queued; on the owner's thread, or on any once finished. */
  void runPending() {
    Runnable command;
    while ((command = commands.poll()) != null) {
      command.run();
    }
  }

  /** From now on commands answer from what the owner left; the ones already queued run now. */
  void finish() {
    finished = true;
    runPending();
  }

  boolean finished() {
    return finished;
  }
}
