package io.clickstream.worker.simulation;

import io.clickstream.protocol.UserRange;

/**
 * The per-user state of the users a {@link ClickSimulator} holds, indexed from {@code users.from()}: one
 * {@code long} of random state, one {@code long} of last event time, one {@code double} of cumulative
 * activity weight, and a {@link Session} only while the user is in a session. Also picks, on the wall
 * clock, which user acts next. Owned by the simulator's thread.
 */
final class UserSlice {
  /**
   * On the wall clock, how many users to pick by activity before taking the next free one in order, when
   * each one picked is paying or acted in this millisecond already.
   */
  private static final int MAX_PICKS = 8;
  static final UserSlice EMPTY = new UserSlice(UserRange.EMPTY, 0);

  final UserRange users;
  /** Each user's SplitMix stream. */
  final long[] random;
  /** Each user's last event time (epoch ms), 0 before its first: the next one must be later. */
  final long[] lastEventMillis;
  final Session[] sessions;
  /** Cumulative activity weights of the slice, for picking the next user by binary search. */
  private final double[] cumulativeActivity;
  /** The stream that picks who acts next. */
  private final long[] pickRandom = new long[1];

  private UserSlice(UserRange users, long pickSeed) {
    int size = users.size();
    this.users = users;
    this.random = new long[size];
    this.lastEventMillis = new long[size];
    this.sessions = new Session[size];
    this.cumulativeActivity = new double[size];
    this.pickRandom[0] = pickSeed;
  }

  /**
   * The slice of {@code newUsers}: users also in this one keep their sessions and streams; users new here
   * start fresh, with a stream from {@code (seed, user, streamEpoch)}, and act only after
   * {@code notBeforeMillis}.
   */
  UserSlice reassign(UserRange newUsers, long seed, long epoch, long streamEpoch, long notBeforeMillis) {
    UserSlice next = new UserSlice(newUsers, SplitMix.seedFor(seed, 0x9_1C4EL, epoch));
    double sum = 0;
    for (int i = 0; i < newUsers.size(); i++) {
      int user = newUsers.from() + i;
      if (users.contains(user)) {
        int old = user - users.from();
        next.random[i] = random[old];
        next.lastEventMillis[i] = lastEventMillis[old];
        next.sessions[i] = sessions[old];
      } else {
        next.random[i] = SplitMix.seedFor(seed, user, streamEpoch);
        next.lastEventMillis[i] = notBeforeMillis;
      }
      sum += ActivityWeights.of(seed, user);
      next.cumulativeActivity[i] = sum;
    }
    return next;
  }

  /** How many users are in a session. */
  int openSessions() {
    int open = 0;
    for (Session s : sessions) {
      if (s != null) {
        open++;
      }
    }
    return open;
  }

  /** Neither paying nor acted at {@code now} already. */
  boolean canAct(int index, long now) {
    Session session = sessions[index];
    return lastEventMillis[index] < now && (session == null || !session.checkedOut);
  }

  /**
   * The index of a user who can act at {@code now}: picked by activity; after {@link #MAX_PICKS} busy
   * picks, the next free user after the last pick, so that the rate holds even when most users are busy
   * (a small population at a high rate; the activity skew then flattens). -1 when every user is busy.
   */
  int pickFree(long now) {
    int index = 0;
    for (int pick = 0; pick < MAX_PICKS; pick++) {
      index = ActivityWeights.weightedIndex(cumulativeActivity, SplitMix.nextDouble(pickRandom, 0));
      if (canAct(index, now)) {
        return index;
      }
    }
    int size = users.size();
    for (int step = 1; step < size; step++) {
      int next = (index + step) % size;
      if (canAct(next, now)) {
        return next;
      }
    }
    return -1;
  }
}
