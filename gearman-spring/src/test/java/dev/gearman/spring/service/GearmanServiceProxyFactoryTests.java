package dev.gearman.spring.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobStatus;
import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.annotation.Unique;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.test.LocalGearmanConfiguration;
import dev.gearman.worker.FailJobException;
import dev.gearman.worker.JobContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Typed clients made by {@link GearmanServiceProxyFactory}, calling {@code @GearmanFunction} methods through a job
 * server on a free loopback port: results typed as declared, futures, background jobs, unique ids from a parameter,
 * priorities and timeouts from the annotation, listeners, default methods; and interfaces that cannot be served
 * fail when the proxy is made, saying why.
 */
class GearmanServiceProxyFactoryTests {

	private static AnnotationConfigApplicationContext context;

	private static GearmanServiceProxyFactory factory;

	@BeforeAll
	static void startContext() {
		context = new AnnotationConfigApplicationContext(BillingConfiguration.class);
		factory = new GearmanServiceProxyFactory(context.getBean(GearmanTemplate.class),
				context.getBeanFactory()::resolveEmbeddedValue);
	}

	@AfterAll
	static void closeContext() {
		context.close();
	}

	@Test
	void methodShouldCallTheFunctionNamedAfterItAndReturnTheTypedResult() {
		Billing billing = factory.createClient(Billing.class);
		assertThat(billing.charge(new Invoice("i-1", 250))).isEqualTo(new Receipt("i-1", 250));
	}

	@Test
	void futureShouldCompleteWithTheTypedResult() throws Exception {
		Billing billing = factory.createClient(Billing.class);
		assertThat(billing.chargeLater(new Invoice("i-2", 10)).get(10, TimeUnit.SECONDS))
			.isEqualTo(new Receipt("i-2", 10));
	}

	@Test
	void genericResultShouldBeReadWithItsTypeArguments() {
		Billing billing = factory.createClient(Billing.class);
		assertThat(billing.split(new Invoice("i-3", 3))).containsExactly(new Receipt("i-3", 1),
				new Receipt("i-3", 1), new Receipt("i-3", 1));
	}

	@Test
	void failureShouldCarryTheWorkersReason() {
		Billing billing = factory.createClient(Billing.class);
		assertThatExceptionOfType(GearmanJobFailedException.class)
			.isThrownBy(() -> billing.charge(new Invoice("i-4", -5)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo("negative amount"));
	}

	@Test
	void backgroundJobShouldBeSubmittedWithTheUniqueIdOfItsParameter() {
		Billing billing = factory.createClient(Billing.class);
		Functions functions = context.getBean(Functions.class);
		JobHandle job = billing.send(new Invoice("i-5", 1), "invoice-i-5");
		assertThat(job.handle()).isNotEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> functions.sent.contains("i-5:invoice-i-5"));
	}

	@Test
	void backgroundJobsWithTheSameUniqueIdShouldCoalesceWhileTheFirstIsKnown() throws Exception {
		Billing billing = factory.createClient(Billing.class);
		Functions functions = context.getBean(Functions.class);
		JobHandle first = billing.hold("same-hold", "first");
		await().atMost(Duration.ofSeconds(10)).until(() -> functions.holding.getCount() == 0);
		JobHandle second = billing.holdLater("same-hold", "second").get(10, TimeUnit.SECONDS);
		assertThat(second).isEqualTo(first);
		JobStatus status = context.getBean(GearmanTemplate.class).statusByUnique("same-hold");
		assertThat(status.running()).isTrue();
		functions.releaseHold.countDown();
	}

	@Test
	void timeoutOfTheAnnotationShouldApply() {
		Billing billing = factory.createClient(Billing.class);
		assertThatExceptionOfType(GearmanTimeoutException.class).isThrownBy(() -> billing.neverAnswered("x"))
			.withMessageContaining("after 200 ms");
	}

	@Test
	void listenerParameterShouldSeeTheProgress() {
		Billing billing = factory.createClient(Billing.class);
		List<String> events = new CopyOnWriteArrayList<>();
		billing.charge(new Invoice("i-6", 7), new JobListener() {
			@Override
			public void onStatus(long numerator, long denominator) {
				events.add(numerator + "/" + denominator);
			}
		});
		assertThat(events).containsExactly("1/1");
	}

	@Test
	void voidMethodShouldWaitForTheJob() {
		Billing billing = factory.createClient(Billing.class);
		billing.audit("audited");
		assertThat(context.getBean(Functions.class).audited).containsExactly("audited");
	}

	@Test
	void defaultMethodShouldRunAsWritten() {
		Billing billing = factory.createClient(Billing.class);
		assertThat(billing.chargeTwice(new Invoice("i-7", 2))).isEqualTo(4);
	}

	@Test
	void objectMethodsShouldNotCallAnyFunction() {
		Billing billing = factory.createClient(Billing.class);
		assertThat(billing).isEqualTo(billing).isNotEqualTo(factory.createClient(Billing.class));
		assertThat(billing.hashCode()).isEqualTo(System.identityHashCode(billing));
		assertThat(billing.toString()).contains(Billing.class.getName()).contains("call of 'charge'");
	}

	@Test
	void interfaceWithoutTheAnnotationShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> factory.createClient(Runnable.class))
			.withMessageContaining("expected: an interface annotated with @GearmanExchange");
	}

	@Test
	void methodsThatCannotBeServedShouldFailWhenTheProxyIsMade() {
		assertThatIllegalStateException().isThrownBy(() -> factory.createClient(TwoWorkloads.class))
			.withMessage("@GearmanExchange method 'both' of " + TwoWorkloads.class.getName()
					+ " has more than one workload parameter (expected: at most one workload, one @Unique id and"
					+ " one JobListener)");
		assertThatIllegalStateException().isThrownBy(() -> factory.createClient(BackgroundResult.class))
			.withMessageContaining("submits a background job but returns java.lang.String")
			.withMessageContaining("(expected: void, JobHandle or CompletableFuture<JobHandle>)");
		assertThatIllegalStateException().isThrownBy(() -> factory.createClient(BadPriority.class))
			.withMessageContaining("has priority 'urgent' = 'urgent' (expected: high, normal or low)");
		assertThatIllegalStateException().isThrownBy(() -> factory.createClient(BadTimeout.class))
			.withMessageContaining("has timeout '${missing.timeout:soon}' = 'soon'");
		assertThatIllegalStateException().isThrownBy(() -> factory.createClient(ListenerInBackground.class))
			.withMessageContaining("takes a JobListener, but a background job reports to nobody");
	}

	@GearmanExchange
	interface Billing {

		Receipt charge(Invoice invoice);

		@GearmanExchange("charge")
		Receipt charge(Invoice invoice, JobListener listener);

		@GearmanExchange(function = "charge", priority = "high")
		CompletableFuture<Receipt> chargeLater(Invoice invoice);

		List<Receipt> split(Invoice invoice);

		@GearmanExchange(value = "send_invoice", background = true)
		JobHandle send(Invoice invoice, @Unique String invoiceNumber);

		@GearmanExchange(value = "hold", background = true, priority = "${billing.hold.priority:low}")
		CompletableFuture<JobHandle> holdLater(@Unique String id, String payload);

		default JobHandle hold(String id, String payload) {
			return holdLater(id, payload).join();
		}

		@GearmanExchange(timeout = "200ms")
		String neverAnswered(String payload);

		void audit(String entry);

		default int chargeTwice(Invoice invoice) {
			return charge(invoice).amount() + charge(invoice).amount();
		}

	}

	@GearmanExchange
	interface TwoWorkloads {

		String both(String one, String two);

	}

	@GearmanExchange
	interface BackgroundResult {

		@GearmanExchange(background = true)
		String submit(String payload);

	}

	@GearmanExchange
	interface BadPriority {

		@GearmanExchange(priority = "urgent")
		String call(String payload);

	}

	@GearmanExchange
	interface BadTimeout {

		@GearmanExchange(timeout = "${missing.timeout:soon}")
		String call(String payload);

	}

	@GearmanExchange
	interface ListenerInBackground {

		@GearmanExchange(background = true)
		void submit(String payload, JobListener listener);

	}

	record Invoice(String id, int amount) {
	}

	record Receipt(String invoice, int amount) {
	}

	@Configuration(proxyBeanMethods = false)
	@Import(LocalGearmanConfiguration.class)
	static class BillingConfiguration {

		@Bean
		Functions functions() {
			return new Functions();
		}

	}

	static class Functions {

		final List<String> sent = new CopyOnWriteArrayList<>();

		final List<String> audited = new CopyOnWriteArrayList<>();

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch releaseHold = new CountDownLatch(1);

		@GearmanFunction
		Receipt charge(Invoice invoice, JobContext job) {
			if (invoice.amount() < 0) {
				throw new FailJobException("negative amount");
			}
			job.sendStatus(1, 1);
			return new Receipt(invoice.id(), invoice.amount());
		}

		@GearmanFunction
		List<Receipt> split(Invoice invoice) {
			return java.util.Collections.nCopies(invoice.amount(), new Receipt(invoice.id(), 1));
		}

		@GearmanFunction(name = "send_invoice")
		void send(Invoice invoice, JobContext job) {
			this.sent.add(invoice.id() + ":" + job.unique());
		}

		@GearmanFunction
		void hold(String payload) throws InterruptedException {
			this.holding.countDown();
			this.releaseHold.await(30, TimeUnit.SECONDS);
		}

		@GearmanFunction
		void audit(String entry) {
			this.audited.add(entry);
		}

	}

}
