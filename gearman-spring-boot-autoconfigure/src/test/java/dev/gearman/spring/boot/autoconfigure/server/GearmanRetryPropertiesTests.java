package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;

import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gearman.server.retry.*}, {@code gearman.server.dead-letters.*} and {@code gearman.server.history.*}: one
 * retry model with gearmand's {@code retry-limit}, overrides per function pattern that inherit what they leave
 * unset, and values out of range that fail the start naming their property.
 */
class GearmanRetryPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0");

	@Test
	void defaultsShouldKeepGearmandsBehaviour() {
		GearmanRetryProperties retry = bind(Map.of());
		assertThat(retry.toRules(0)).isNull();
		assertThat(retry.toRules(3)).as("the retry limit alone: gearmand's --job-retries").isNull();
		assertThat(retry.getInitialDelay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(retry.isDeadLetters()).isTrue();
		GearmanDeadLetterProperties deadLetters = new GearmanDeadLetterProperties();
		assertThat(deadLetters.toSettings().getMaxCount()).isEqualTo(10_000);
		assertThat(deadLetters.toSettings().getMaxAge()).isEqualTo(Duration.ofDays(180));
		assertThat(new GearmanHistoryProperties().toSettings().isEnabled()).isFalse();
	}

	@Test
	void policyAndOverridesShouldBindAndOverridesInheritWhatTheyLeaveUnset() {
		RetryRules rules = bind(Map.of("gearman.server.retry.max-attempts", "5",
				"gearman.server.retry.initial-delay", "2s", "gearman.server.retry.retry-on", "fail,worker-lost",
				"gearman.server.retry.functions[billing.*].max-attempts", "10",
				"gearman.server.retry.functions[billing.*].dead-letters", "false",
				"gearman.server.retry.functions[report.*].max-attempts", "0"))
			.toRules(0);
		RetryPolicy other = rules.policyFor("mail.send");
		assertThat(other.maxAttempts()).isEqualTo(5);
		assertThat(other.retryOn()).containsExactlyInAnyOrder(FailureKind.FAIL, FailureKind.WORKER_LOST);
		assertThat(other.multiplier()).isEqualTo(2);
		assertThat(other.maxDelay()).isEqualTo(Duration.ofHours(1));
		RetryPolicy billing = rules.policyFor("billing.charge");
		assertThat(billing.maxAttempts()).isEqualTo(10);
		assertThat(billing.initialDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(billing.deadLetters()).isFalse();
		assertThat(rules.policyFor("report.monthly").maxAttempts()).as("gearmand's behaviour for reports").isZero();
	}

	@Test
	void overridesAloneShouldLeaveTheOtherFunctionsWithTheRetryLimit() {
		RetryRules rules = bind(Map.of("gearman.server.retry.functions[billing.*].max-attempts", "4"))
			.toRules(7);
		assertThat(rules.policyFor("billing.charge").maxAttempts()).isEqualTo(4);
		assertThat(rules.defaultPolicy()).isEqualTo(RetryPolicy.gearmandRetries(7));
		assertThat(rules.defaultPolicy().retryOn()).isEqualTo(EnumSet.of(FailureKind.WORKER_LOST, FailureKind.TIMEOUT));
	}

	@Test
	void retryLimitBesideARetryPolicyShouldFailTheStartNamingBoth() {
		this.runner.withPropertyValues("gearman.server.retry-limit=3", "gearman.server.retry.max-attempts=5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("gearman.server.retry-limit")
				.hasStackTraceContaining("gearman.server.retry.max-attempts"));
	}

	@Test
	void valueOutOfRangeShouldFailTheStartNamingItsProperty() {
		this.runner
			.withPropertyValues("gearman.server.retry.max-attempts=3",
					"gearman.server.retry.functions[billing.*].jitter=1.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("gearman.server.retry.functions[billing.*]")
				.hasStackTraceContaining("jitter: 1.5 (expected: 0 <= jitter < 1)"));
	}

	@Test
	void retentionOutOfRangeShouldFailTheStart() {
		this.runner.withPropertyValues("gearman.server.dead-letters.max-age=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("maxAge: PT0S (expected: > 0)"));
	}

	private static GearmanRetryProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values))
			.bindOrCreate(GearmanRetryProperties.PREFIX, GearmanRetryProperties.class);
	}

}
