package dev.walletworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void idsHaveTheirPrefixLengthAndAlphabet() {
    assertThat(Ids.newTransactionId()).matches("txn_[a-z0-9]{24}");
    assertThat(Ids.newAccountId()).matches("acct_[a-z0-9]{16}");
    assertThat(Ids.random(1)).matches("[a-z0-9]");
    assertThat(Ids.random(300)).matches("[a-z0-9]{300}");
  }

  @Test
  void everyCharacterIsEquallyLikely() {
    int[] counts = new int[36];
    int draws = 360_000;
    for (int i = 0; i < draws / 24; i++) {
      for (char c : Ids.random(24).toCharArray()) {
        counts[c >= 'a' ? c - 'a' : 26 + c - '0']++;
      }
    }
    // Chi-square with 35 degrees of freedom: above 100 happens by chance 4 times in 10^8 runs. A
    // plain "byte % 36" would give the first four characters 8/256 instead of 7/252 (chi-square
    // near 700 at this many draws).
    double expected = draws / 36.0;
    double chiSquare = 0;
    for (int count : counts) {
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    assertThat(chiSquare).isLessThan(100);
  }

  @Test
  void idsDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(Ids.random(16))).isTrue();
    }
  }
}
