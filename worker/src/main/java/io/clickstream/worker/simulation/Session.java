package io.clickstream.worker.simulation;

/**
 * A user's open shopping session: its id, its cart and when the user last acted. Exists only while the
 * user is in a session, so idle users cost no more than their random state.
 */
final class Session {
  static final int MAX_CART = 16;

  final long idHi;
  final long idLo;
  long lastActivityMillis;
  int lastViewedProduct;
  final int[] cart = new int[MAX_CART];
  int cartSize;
  /** Set between a CHECKOUT and its PURCHASE. */
  boolean checkedOut;

  Session(long idHi, long idLo, long now) {
    this.idHi = idHi;
    this.idLo = idLo;
    this.lastActivityMillis = now;
  }

  long cartTotalCents(Catalog catalog) {
    long total = 0;
    for (int i = 0; i < cartSize; i++) {
      total += catalog.priceCents(cart[i]);
    }
    return total;
  }

  void removeAt(int index) {
    cart[index] = cart[--cartSize];
  }
}
