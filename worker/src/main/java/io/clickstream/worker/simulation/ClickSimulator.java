package io.clickstream.worker.simulation;

import io.clickstream.protocol.UserRange;

/**
 * Simulates a contiguous slice of the user population. Pure: the caller passes the time, and all
 * randomness comes from per-user SplitMix streams derived from (seed, user, epoch of acquisition), plus
 * one stream for picking which user acts next. Not thread-safe: one generator thread owns it.
 *
 * <p>A user's events are strictly ordered in event time, at least 1 ms apart: a user who already acted
 * in this millisecond, or who is paying, does not act again (on the wall clock another user is picked;
 * on the virtual clock the turn passes). A CHECKOUT is followed by its PURCHASE after a payment step
 * ({@link Behaviour#paymentDelayMillis}); while paying, the user does nothing else.
 *
 * <p>Per-user state lives in a {@link UserSlice}.
 */
public final class ClickSimulator {
  private final Catalog catalog;
  private final Behaviour behaviour;
  private final long seed;
  private final LateSkew lateSkew;
  /**
   * Seed-exact mode (the virtual clock): a user's stream depends only on (seed, user), not on the epoch
   * of the assignment, so that a user's events do not depend on who simulates them.
   */
  private final boolean seedExact;

  private UserSlice slice = UserSlice.EMPTY;
  private final Payments payments = new Payments();
  private int openSessions;
  /** Wall-clock turns given up because every user was busy (see {@link UserSlice#pickFree}). */
  private long skippedTurns;

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
   * between workers never repeats an event id it already produced elsewhere. The payments of users who
   * leave must be completed first ({@link #endPaymentsOutside}), or their PURCHASEs would be lost.
   */
  public void assign(UserRange newUsers, long epoch) {
    assign(newUsers, epoch, 0);
  }

  /**
   * {@link #assign(UserRange, long)}, where users new to this slice act only after {@code notBeforeMillis}
   * (their previous owner's latest event time), so that a moved user's events stay strictly ordered even
   * when the two workers' clocks differ.
   */
  public void assign(UserRange newUsers, long epoch, long notBeforeMillis) {
    if (payments.hasUserOutside(newUsers)) {
      throw new IllegalStateException("payments of users outside " + newUsers + " are still in progress");
    }
    slice = slice.reassign(newUsers, seed, epoch, seedExact ? 0 : epoch, notBeforeMillis);
    openSessions = slice.openSessions();
  }

  /** The seed-exact mode's picker over the whole population, from the same seed and activity weights. */
  public PopulationPicker picker(int population) {
    return new PopulationPicker(seed, population);
  }

  public long sessionTimeoutMillis() {
    return behaviour.sessionTimeoutMillis();
  }

  public UserRange users() {
    return slice.users;
  }

  public boolean hasUsers() {
    return !slice.users.isEmpty();
  }

  /** How many users are paying: between a CHECKOUT and its PURCHASE. */
  public int paymentsInProgress() {
    return payments.size();
  }

  /** Epoch ms when the next payment ends (its PURCHASE is due), or Long.MAX_VALUE when none is in progress. */
  public long nextPaymentDueMillis() {
    return payments.nextDueMillis();
  }

  /**
   * The earliest event time a PURCHASE still to come can have, or Long.MAX_VALUE: a payment completed
   * early (a pause, a move, a stop) is dated 1 ms after its CHECKOUT at the earliest. Scans the payments
   * in progress; for the truth cut, about once a second.
   */
  public long earliestPendingPurchaseMillis() {
    long earliest = Long.MAX_VALUE;
    for (int user : payments.users()) {
      earliest = Math.min(earliest, slice.lastEventMillis[user - slice.users.from()] + 1);
    }
    return earliest;
  }

  /** Completes the payment that ends first: its PURCHASE at {@code time}, or 1 ms after its CHECKOUT if later. */
  public void completeNextPayment(long time, ClickEvent out) {
    int user = payments.pollUser();
    if (user == 0) {
      throw new IllegalStateException("no payment in progress");
    }
    purchase(user, time, out);
  }

  /**
   * Ends the payments of the users outside {@code keep} (all of them for an empty range) and returns
   * those users, earliest due first; the caller completes each with {@link #completePayment} before
   * anything else happens to them.
   */
  public int[] endPaymentsOutside(UserRange keep) {
    return payments.removeOutside(keep);
  }

  /** A PURCHASE for {@code user}, whose payment was ended, at {@code time} or 1 ms after its CHECKOUT if later. */
  public void completePayment(int user, long time, ClickEvent out) {
    purchase(user, time, out);
  }

  /** Wall-clock turns that found every user busy (paying, or already acted in that millisecond). */
  public long skippedTurns() {
    return skippedTurns;
  }

  public int openSessions() {
    return openSessions;
  }

  /**
   * How active a user is relative to others: Pareto-distributed (shape 2), fixed per user for a seed,
   * so a few users generate much of the traffic, as in a real shop.
   */
  public double activity(int user) {
    return ActivityWeights.of(seed, user);
  }


  /**
   * Fills {@code out} with the next event of the slice at time {@code now} (epoch ms), on the wall clock:
   * a PURCHASE whose payment is over, or else the action of a user picked by activity who is not paying
   * and has not acted at {@code now} yet ({@link UserSlice#pickFree}). Returns false, with {@code out} untouched, only when every
   * user of the slice is busy in this millisecond: the caller keeps the turn for the next one.
   */
  public boolean next(long now, ClickEvent out) {
    if (slice.users.isEmpty()) {
      throw new IllegalStateException("no users assigned");
    }
    if (payments.nextDueMillis() <= now) {
      completeNextPayment(now, out);
      return true;
    }
    int index = slice.pickFree(now);
    if (index >= 0) {
      act(slice.users.from() + index, now, out);
      return true;
    }
    skippedTurns++;
    return false;
  }

  /**
   * Fills {@code out} with the action of {@code user}, who must be held, at {@code now}: the seed-exact
   * mode picks users from the whole population ({@link PopulationPicker}) and each worker acts only for
   * its own. Returns false, with {@code out} untouched, when the user is paying or acted at {@code now}
   * already: the turn passes, and that depends only on the user's own history.
   */
  public boolean actAs(int user, long now, ClickEvent out) {
    if (!slice.users.contains(user)) {
      throw new IllegalStateException("user " + user + " is not held (" + slice.users + ")");
    }
    if (!slice.canAct(user - slice.users.from(), now)) {
      return false;
    }
    act(user, now, out);
    return true;
  }

  private void act(int user, long now, ClickEvent out) {
    int index = user - slice.users.from();
    Session session = slice.sessions[index];
    // A pause of exactly the timeout ends the session too: the same boundary as a session window (and the truth).
    if (session == null || now - session.lastActivityMillis >= behaviour.sessionTimeoutMillis()) {
      view(index, openSession(index, now), out);
    } else {
      choose(index, session, out, now);
    }
    // choose() may have abandoned the session and opened another: read it again.
    session = slice.sessions[index];
    session.lastActivityMillis = now;
    fill(out, index, user, session, now);
  }

  private void choose(int index, Session session, ClickEvent out, long now) {
    double u = SplitMix.nextDouble(slice.random, index);
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
      int slot = SplitMix.nextInt(slice.random, index, session.cartSize);
      out.type = EventType.REMOVE_FROM_CART;
      out.product = session.cart[slot];
      out.priceCents = catalog.priceCents(out.product);
      session.removeAt(slot);
    } else if (u < b.viewCart() + b.addCart() + b.removeCart() + b.checkoutCart()) {
      out.type = EventType.CHECKOUT;
      out.product = session.cart[0];
      out.priceCents = session.cartTotalCents(catalog);
      session.checkedOut = true;
      payments.start(slice.users.from() + index, now + behaviour.paymentDelayMillis(SplitMix.nextDouble(slice.random, index)));
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
    int product = catalog.productAt(SplitMix.nextDouble(slice.random, index));
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
    int product = session.lastViewedProduct != 0 && SplitMix.nextDouble(slice.random, index) < 0.7
        ? session.lastViewedProduct
        : catalog.productAt(SplitMix.nextDouble(slice.random, index));
    session.cart[session.cartSize++] = product;
    out.type = EventType.ADD_TO_CART;
    out.product = product;
    out.priceCents = catalog.priceCents(product);
  }

  private void purchase(int user, long time, ClickEvent out) {
    int index = user - slice.users.from();
    Session session = slice.sessions[index];
    out.type = EventType.PURCHASE;
    out.product = session.cart[0];
    out.priceCents = session.cartTotalCents(catalog);
    // Strictly after the CHECKOUT, whatever cut the payment short.
    long now = Math.max(time, slice.lastEventMillis[index] + 1);
    session.lastActivityMillis = now;
    fill(out, index, user, session, now);
    // The purchase completes the session: the user's next action opens a new one.
    slice.sessions[index] = null;
    openSessions--;
  }

  private Session openSession(int index, long now) {
    long hi = SplitMix.nextUuidHi(slice.random, index);
    long lo = SplitMix.nextUuidLo(slice.random, index);
    Session session = new Session(hi, lo, now);
    if (slice.sessions[index] == null) {
      openSessions++;
    }
    slice.sessions[index] = session;
    return session;
  }

  private void fill(ClickEvent out, int index, int user, Session session, long now) {
    out.user = user;
    out.sessionHi = session.idHi;
    out.sessionLo = session.idLo;
    out.eventHi = SplitMix.nextUuidHi(slice.random, index);
    out.eventLo = SplitMix.nextUuidLo(slice.random, index);
    out.eventTime = now;
    slice.lastEventMillis[index] = now;
    double lateDraw = SplitMix.nextDouble(slice.random, index);
    if (lateDraw < lateSkew.probabilityFor(user, behaviour.lateProbability())) {
      out.lateDelayMillis = behaviour.lateDelay().sampleMillis(SplitMix.nextDouble(slice.random, index));
    } else {
      out.lateDelayMillis = 0;
    }
  }
}
