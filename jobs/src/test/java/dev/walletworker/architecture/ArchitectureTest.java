package dev.walletworker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The domain stays plain: the worker module is the only place that knows the application shell. */
@AnalyzeClasses(packages = "dev.walletworker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule jobsKnowNothingOfBootOrQuartz =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework.boot..", "org.quartz..", "dev.walletworker.worker..");

  @ArchTest
  static final ArchRule onlyTheStripePackageTalksToStripe =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.walletworker.stripe..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.stripe..");

  @ArchTest
  static final ArchRule onlyTheMailPackageTalksToJakartaMail =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.walletworker.mail..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("jakarta.mail..");
}
