package io.clickstream.worker.simulation;

import io.clickstream.protocol.UserRange;

/**
 * Simulates a contiguous slice of the user population. Pure: the caller passes the time, and all
 * randomness comes from per-user SplitMix streams derived from (seed, user, epoch of acquisition), plus
 * one stream for picking which user acts next. Not thread-safe: one generator thread owns it.
 *
 * <p>Per-user state is one {@code long} of random state, one {@code double} of cumulative activity
 * weight, and a {@link Session} object only while the user is in a session.
 */
public final class ClickSimulator {
  /** Heaviest user is at most this many times as active as the lightest. */
  private static final double MAX_ACTIVITY = 30.0;

  private final Catalog catalog;
  private final Behaviour behaviour;
  private final long seed;
  private final LateSkew lateSkew;
  /**
   * Seed-exact mode (the virtual clock): a user's stream depends only on (seed, user), and a PURCHASE
   * comes at the user's next turn after the CHECKOUT instead of in the very next slot, since other
   * workers cannot know that slot is taken. Then a user's events do not depend on who simulates them.
   */
  private final boolean seedExact;

  private UserRange users = UserRange.EMPTY;
  private long[] userRandom = new long[0];
  private Session[] sessions = new Session[0];
  /** Cumulative activity weights of the slice, for picking the next user by binary search. */
  private double[] cumulativeActivity = new double[0];
  private final long[] pickRandom = new long[1];
  /** A user who has checked out and whose PURCHASE is due in the next slot; 0 when none. */
  private int pendingPurchaseUser;
  private int openSessions;

  public ClickSimulator(Catalog catalog, Behaviour behaviour, long seed) {
    this(catalog, behaviour, seed, LateSkew.NONE, false);
  }

  public ClickSimulator(Catalog catalog, Behaviour behaviour, long seed, LateSkew lateSkew, boolean seedExact) {
    this.catalog = catalog;
    this.behaviour = behaviour;
    this.seed = seed;
    this.lateSkew = lateSkew;
    this.seedExact = seedExact;
  }

  /**
   * Takes a new slice. Users in both the old and the new slice keep their sessions and streams; users
   * that are new here start fresh, with a stream that depends on the epoch so that a user who moves
   * between workers never repeats an event id it already produced elsewhere.
   */
  public void assign(UserRange newUsers, long epoch) {
    int size = newUsers.size();
    long[] newRandom = new long[size];
    Session[] newSessions = new Session[size];
    double[] newCumulative = new double[size];
    int open = 0;
    double sum = 0;
    for (int i = 0; i < size; i++) {
      int user = newUsers.from() + i;
      if (users.contains(user)) {
        int old = user - users.from();
        newRandom[i] = userRandom[old];
        newSessions[i] = sessions[old];
        if (newSessions[i] != null) {
          open++;
        }
      } else {
        newRandom[i] = SplitMix.seedFor(seed, user, seedExact ? 0 : epoch);
      }
      sum += activity(user);
      newCumulative[i] = sum;
    }
    if (pendingPurchaseUser != 0 && !newUsers.contains(pendingPurchaseUser)) {
      pendingPurchaseUser = 0;
    }
    users = newUsers;
    userRandom = newRandom;
    sessions = newSessions;
    cumulativeActivity = newCumulative;
    openSessions = open;
    pickRandom[0] = SplitMix.seedFor(seed, 0x9_1C4EL, epoch);
  }

  /** The seed-exact mode's picker over the whole population, from the same seed and activity weights. */
  public PopulationPicker picker(int population) {
    return new PopulationPicker(seed, population);
  }

  public long sessionTimeoutMillis() {
    return behaviour.sessionTimeoutMillis();
  }

  public UserRange users() {
    return users;
  }

  public boolean hasUsers() {
    return !users.isEmpty();
  }

  /**
   * True between a CHECKOUT and its PURCHASE. The generator emits the purchase before it applies a new
   * assignment or a pause, so that every checkout is followed by its purchase.
   */
  public boolean hasPendingPurchase() {
    return pendingPurchaseUser != 0;
  }

  /** When the CHECKOUT of the pending purchase happened (epoch ms); only while {@link #hasPendingPurchase}. */
  public long pendingPurchaseTime() {
    return sessions[pendingPurchaseUser - users.from()].lastActivityMillis;
  }

  public int openSessions() {
    return openSessions;
  }

  /**
   * How active a user is relative to others: Pareto-distributed (shape 2), fixed per user for a seed,
   * so a few users generate much of the traffic, as in a real shop.
   */
  public double activity(int user) {
    return activity(seed, user);
  }

  static double activity(long seed, int user) {
    double u = (SplitMix.mix(seed ^ SplitMix.mix(user * 0x2545F4914F6CDD1DL)) >>> 11) * 0x1.0p-53;
    return Math.min(MAX_ACTIVITY, 1.0 / Math.sqrt(1.0 - u));
  }

  /** Fills {@code out} with the next action of some user of the slice, at time {@code now} (epoch ms). */
  public void next(long now, ClickEvent out) {
    if (users.isEmpty()) {
      throw new IllegalStateException("no users assigned");
    }
    if (pendingPurchaseUser != 0) {
      int user = pendingPurchaseUser;
      pendingPurchaseUser = 0;
      purchase(user, now, out);
      return;
    }
    int index = pickIndex();
    act(users.from() + index, now, out);
  }

  /**
   * Fills {@code out} with the next action of {@code user}, who must be held: the seed-exact mode picks
   * users from the whole population ({@link PopulationPicker}) and each worker acts only for its own.
   */
  public void actAs(int user, long now, ClickEvent out) {
    if (!users.contains(user)) {
      throw new IllegalStateException("user " + user + " is not held (" + users + ")");
    }
    act(user, now, out);
  }

  private void act(int user, long now, ClickEvent out) {
    int index = user - users.from();
    Session session = sessions[index];
    if (session != null && session.checkedOut) {
      // Only in seed-exact mode: the purchase waits for the user's next turn.
      purchase(user, now, out);
      return;
    }
    // A pause of exactly the timeout ends the session too: the same boundary as a session window (and the truth).
    if (session == null || now - session.lastActivityMillis >= behaviour.sessionTimeoutMillis()) {
      view(index, openSession(index, now), out);
    } else {
      choose(index, session, out);
    }
    // choose() may have abandoned the session and opened another: read it again.
    session = sessions[index];
    session.lastActivityMillis = now;
    fill(out, index, user, session, now);
  }

  private void choose(int index, Session session, ClickEvent out) {
    double u = SplitMix.nextDouble(userRandom, index);
    Behaviour b = behaviour;
    if (session.cartSize == 0) {
      if (u < b.viewEmpty()) {
        view(index, session, out);
      } else if (u < b.viewEmpty() + b.addEmpty()) {
        add(index, session, out);
      } else {
        abandonAndView(index, out);
      }
      return;
    }
    if (u < b.viewCart()) {
      view(index, session, out);
    } else if (u < b.viewCart() + b.addCart()) {
      add(index, session, out);
    } else if (u < b.viewCart() + b.addCart() + b.removeCart()) {
      int slot = SplitMix.nextInt(userRandom, index, session.cartSize);
      out.type = EventType.REMOVE_FROM_CART;
      out.product = session.cart[slot];
      out.priceCents = catalog.priceCents(out.product);
      session.removeAt(slot);
    } else if (u < b.viewCart() + b.addCart() + b.removeCart() + b.checkoutCart()) {
      out.type = EventType.CHECKOUT;
      out.product = session.cart[0];
      out.priceCents = session.cartTotalCents(catalog);
      session.checkedOut = true;
      if (!seedExact) {
        pendingPurchaseUser = users.from() + index;
      }
    } else {
      abandonAndView(index, out);
    }
  }

  /** Abandoning ends the session silently; this action is then the first view of the next one. */
  private void abandonAndView(int index, ClickEvent out) {
    Session fresh = openSession(index, 0);
    view(index, fresh, out);
  }

  private void view(int index, Session session, ClickEvent out) {
    int product = catalog.productAt(SplitMix.nextDouble(userRandom, index));
    session.lastViewedProduct = product;
    out.type = EventType.VIEW;
    out.product = product;
    out.priceCents = catalog.priceCents(product);
  }

  /** Mostly the product just viewed, sometimes another popular one; a full cart turns it into a view. */
  private void add(int index, Session session, ClickEvent out) {
    if (session.cartSize == Session.MAX_CART) {
      view(index, session, out);
      return;
    }
    int product = session.lastViewedProduct != 0 && SplitMix.nextDouble(userRandom, index) < 0.7
        ? session.lastViewedProduct
        : catalog.productAt(SplitMix.nextDouble(userRandom, index));
    session.cart[session.cartSize++] = product;
    out.type = EventType.ADD_TO_CART;
    out.product = product;
    out.priceCents = catalog.priceCents(product);
  }

  private void purchase(int user, long now, ClickEvent out) {
    int index = user - users.from();
    Session session = sessions[index];
    out.type = EventType.PURCHASE;
    out.product = session.cart[0];
    out.priceCents = session.cartTotalCents(catalog);
    fill(out, index, user, session, now);
    // The purchase completes the session: the user's next action opens a new one.
    sessions[index] = null;
    openSessions--;
  }

  private Session openSession(int index, long now) {
    long hi = uuidHi(SplitMix.nextLong(userRandom, index));
    long lo = uuidLo(SplitMix.nextLong(userRandom, index));
    Session session = new Session(hi, lo, now);
    if (sessions[index] == null) {
      openSessions++;
    }
    sessions[index] = session;
    return session;
  }

  private void fill(ClickEvent out, int index, int user, Session session, long now) {
    out.user = user;
    out.sessionHi = session.idHi;
    out.sessionLo = session.idLo;
    out.eventHi = uuidHi(SplitMix.nextLong(userRandom, index));
    out.eventLo = uuidLo(SplitMix.nextLong(userRandom, index));
    out.eventTime = now;
    double lateDraw = SplitMix.nextDouble(userRandom, index);
    if (lateDraw < lateSkew.probabilityFor(user, behaviour.lateProbability())) {
      out.lateDelayMillis = behaviour.lateDelay().sampleMillis(SplitMix.nextDouble(userRandom, index));
    } else {
      out.lateDelayMillis = 0;
    }
  }

  private int pickIndex() {
    return weightedIndex(cumulativeActivity, SplitMix.nextDouble(pickRandom, 0));
  }

  /**
   * The index i whose weight interval holds {@code u} (uniform in [0, 1)) scaled to the total: the first
   * i with {@code cumulative[i] > u * total}, by binary search. Shared with {@link PopulationPicker}.
   */
  static int weightedIndex(double[] cumulative, double u) {
    double target = u * cumulative[cumulative.length - 1];
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Sets the RFC 4122 version 4 bits. */
  static long uuidHi(long bits) {
    return (bits & ~0xF000L) | 0x4000L;
  }

  /** Sets the RFC 4122 variant bits. */
  static long uuidLo(long bits) {
    return (bits & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
  }
}
