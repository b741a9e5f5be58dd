package dev.walletworker.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletworker.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reader finds the current body of every function and trigger in one file: each is defined by
 * exactly one repeatable migration ({@code R__*.sql}).
 */
class RepeatableMigrationsIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  @Test
  void everyFunctionAndTriggerHasOneCurrentDefinitionInARepeatableMigration() throws Exception {
    List<String> repeatable = new ArrayList<>();
    for (String name : ClasspathScripts.names()) {
      if (name.startsWith("R__")) {
        repeatable.add(ClasspathScripts.read(name).toLowerCase());
      }
    }
    List<String> functions =
        db.jdbc()
            .sql(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
                    + " WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1")
            .query(String.class)
            .list();
    List<String> triggers =
        db.jdbc()
            .sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
            .query(String.class)
            .list();
    assertThat(functions)
        .contains(
            "wallets_watch", "spend_level", "mail_outbox_queued", "debit_usage", "holds_watch");
    assertThat(triggers).contains("wallets_watch", "mail_outbox_queued", "holds_watch");

    for (String function : functions) {
      Pattern definition =
          Pattern.compile("create or replace function " + Pattern.quote(function) + "\\s*\\(");
      assertThat(repeatable.stream().filter(s -> definition.matcher(s).find()).count())
          .as("repeatable migrations defining function %s", function)
          .isEqualTo(1);
    }
    for (String trigger : triggers) {
      Pattern definition = Pattern.compile("create trigger " + Pattern.quote(trigger) + "\\s");
      assertThat(repeatable.stream().filter(s -> definition.matcher(s).find()).count())
          .as("repeatable migrations defining trigger %s", trigger)
          .isEqualTo(1);
    }
  }
}
