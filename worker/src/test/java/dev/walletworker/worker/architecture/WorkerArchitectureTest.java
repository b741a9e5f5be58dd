package dev.walletworker.worker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules of {@code jobs/}'s ArchitectureTest, over the worker and the domain it runs: only the
 * mail packages talk to Jakarta Mail, only the Stripe packages to stripe-java, and {@code jobs/}
 * knows nothing of Spring Boot, Quartz or the worker.
 */
@AnalyzeClasses(
    packages = "dev.walletworker",
    importOptions = {ImportOption.DoNotIncludeTests.class, WorkerArchitectureTest.NoTestJars.class})
class WorkerArchitectureTest {

  /** The jobs test-jar (shared fixtures) is test code too, wherever Maven resolves it from. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule onlyTheMailPackagesTalkToJakartaMail =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.walletworker.mail..", "dev.walletworker.worker.mail..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("jakarta.mail..");

  @ArchTest
  static final ArchRule onlyTheStripePackagesTalkToStripe =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.walletworker.stripe..", "dev.walletworker.worker.stripe..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.stripe..");

  @ArchTest
  static final ArchRule jobsKnowNothingOfBootQuartzOrTheWorker =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.walletworker.worker..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework.boot..", "org.quartz..", "dev.walletworker.worker..");
}
