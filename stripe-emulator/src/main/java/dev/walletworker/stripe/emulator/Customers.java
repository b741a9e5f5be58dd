package dev.walletworker.stripe.emulator;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /v1/customers}: create and retrieve. */
final class Customers {

  private final Map<String, Customer> customers = new ConcurrentHashMap<>();

  /** {@code POST /v1/customers}. */
  ApiResponse create(Map<String, String> params) {
    return ApiResponse.ok(
        add(params.get("email"), params.get("name"), FormParams.sub(params, "metadata")).json());
  }

  /** {@code GET /v1/customers/ID}. */
  ApiResponse retrieve(String id) {
    return find(id)
        .map(c -> ApiResponse.ok(c.json()))
        .orElseGet(() -> ApiResponse.notFound("customer", id));
  }

  Customer add(String email, String name, Map<String, String> metadata) {
    Customer customer = Customer.create(email, name, metadata);
    customers.put(customer.id(), customer);
    return customer;
  }

  boolean exists(String id) {
    return customers.containsKey(id);
  }

  Optional<Customer> find(String id) {
    return Optional.ofNullable(customers.get(id));
  }

  void clear() {
    customers.clear();
  }
}
