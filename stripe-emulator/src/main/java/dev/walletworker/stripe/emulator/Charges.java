package dev.walletworker.stripe.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ledger of what was charged: what a test reconciles against the wallet's credits. */
final class Charges {

  private final Object lock;
  private final List<Charge> charges = new ArrayList<>();

  Charges(Object lock) {
    this.lock = lock;
  }

  /** Charges {@code pi} in full; returns the charge's id. */
  String charge(PaymentIntent pi) {
    String id = "ch_" + Ids.random(24);
    synchronized (lock) {
      charges.add(
          new Charge(
              id,
              pi.id(),
              pi.customer(),
              pi.amount(),
              pi.currency(),
              Map.copyOf(pi.metadata()),
              Ids.now()));
    }
    return id;
  }

  List<Charge> all() {
    synchronized (lock) {
      return List.copyOf(charges);
    }
  }

  void clear() {
    synchronized (lock) {
      charges.clear();
    }
  }
}
