package dev.gearman.spring.interop;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.annotation.Unique;
import dev.gearman.spring.service.ImportGearmanServices;
import dev.gearman.spring.test.EnableGearmanTestHarness;
import dev.gearman.spring.test.GearmanTestHarness;
import dev.gearman.worker.FailJobException;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter as a Spring Boot web application uses it in production: a REST controller calls a JSON-record
 * {@code @GearmanFunction} through a typed client ({@code @GearmanExchange}), in the foreground and in the
 * background; failures come back as problem details that say what happened (the worker's reason, a workload the
 * worker could not read, a function nobody serves); calls and executions are traced, the worker's span continuing
 * the caller's trace through the job's unique id. Subclasses say which job server sits in between.
 */
abstract class AbstractStarterInteropTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String prefix = "starter-" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext application;

	private RestClient http;

	/** Properties that point the application at the job server under test. */
	abstract String[] serverProperties();

	/** Whether the server offers fail-if-no-worker (ours does, gearmand does not). */
	abstract boolean failsFastWithoutWorker();

	@BeforeEach
	void startApplication() {
		this.application = new SpringApplicationBuilder(StarterApplication.class).web(WebApplicationType.SERVLET)
			.properties(serverProperties())
			.properties("interop.prefix=" + this.prefix, "spring.main.banner-mode=off", "server.port=0",
					"gearman.client.timeout=20s", "gearman.client.fail-if-no-worker=true",
					"gearman.client.observation-enabled=true", "gearman.worker.observation-enabled=true",
					"gearman.web.problem-details.enabled=true", "management.tracing.sampling.probability=1.0")
			.run();
		int port = this.application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		this.http = RestClient.builder().baseUrl("http://127.0.0.1:" + port).build();
	}

	@AfterEach
	void stopApplication() {
		this.application.close();
	}

	@Test
	void foregroundCallShouldReturnTheWorkersRecord() {
		ResponseEntity<String> response = post("/invoices/charge", "{\"id\":\"i-1\",\"amount\":250}");
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		JsonNode receipt = json.readTree(response.getBody());
		assertThat(receipt.path("invoice").asString()).isEqualTo("i-1");
		assertThat(receipt.path("charged").asInt()).isEqualTo(250);
	}

	@Test
	void failJobReasonShouldBeTheProblemDetail() {
		ResponseEntity<String> response = post("/invoices/charge", "{\"id\":\"i-2\",\"amount\":-5}");
		assertThat(response.getStatusCode().value()).isEqualTo(422);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode problem = json.readTree(response.getBody());
		assertThat(problem.path("detail").asString()).isEqualTo("negative amount");
		assertThat(problem.path("function").asString()).isEqualTo(this.prefix + "-charge");
	}

	@Test
	void workloadTheWorkerCannotReadShouldBeABadGatewayNamingTheConversion() {
		ResponseEntity<String> response = post("/invoices/garbage", "{}");
		assertThat(response.getStatusCode().value()).isEqualTo(502);
		assertThat(json.readTree(response.getBody()).path("detail").asString())
			.isEqualTo("The workload of function '" + this.prefix + "-charge' could not be converted by the worker");
	}

	@Test
	void functionNobodyServesShouldFailFastOrTimeOutAndNeverRunLater() {
		long start = System.nanoTime();
		ResponseEntity<String> response = post("/invoices/misspelled", "{\"id\":\"i-3\",\"amount\":1}");
		if (failsFastWithoutWorker()) {
			assertThat(response.getStatusCode().value()).isEqualTo(503);
			assertThat(json.readTree(response.getBody()).path("title").asString()).isEqualTo("No worker");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		}
		else {
			// gearmand refuses fail-if-no-worker: the call waits for the method's timeout, then its job is dropped
			assertThat(response.getStatusCode().value()).isEqualTo(504);
		}
	}

	@Test
	void backgroundJobShouldRunOnceWithTheUniqueIdOfTheInvoice() {
		ResponseEntity<String> response = post("/invoices/i-4/send", "{\"id\":\"i-4\",\"amount\":9}");
		assertThat(response.getStatusCode().value()).isEqualTo(202);
		String handle = json.readTree(response.getBody()).path("handle").asString();
		GearmanTestHarness harness = this.application.getBean(GearmanTestHarness.class);
		GearmanTestHarness.Execution sent = harness.awaitJob(
				new JobHandle(this.application.getBean(dev.gearman.client.GearmanClient.class).servers().get(0),
						handle),
				Duration.ofSeconds(20));
		assertThat(sent.unique()).isEqualTo("invoice-i-4");
		assertThat(this.application.getBean(StarterFunctions.class).sent).containsExactly("i-4");
	}

	@Test
	void workerSpanShouldContinueTheCallersTrace() {
		post("/invoices/charge", "{\"id\":\"i-5\",\"amount\":1}");
		List<SpanData> spans = this.application.getBean(SpanCollector.class).spans;
		String function = this.prefix + "-charge";
		await("client and worker spans").atMost(Duration.ofSeconds(20))
			.until(() -> spans.stream().anyMatch((span) -> span.getName().equals("execute " + function)));
		SpanData client = spans.stream()
			.filter((span) -> span.getName().equals("call " + function))
			.findFirst()
			.orElseThrow();
		SpanData worker = spans.stream()
			.filter((span) -> span.getName().equals("execute " + function))
			.findFirst()
			.orElseThrow();
		assertThat(worker.getTraceId()).isEqualTo(client.getTraceId());
		assertThat(worker.getParentSpanId()).isEqualTo(client.getSpanId());
		assertThat(client.getAttributes().asMap()).extractingByKey(
				io.opentelemetry.api.common.AttributeKey.stringKey("gearman.outcome")).isEqualTo("success");
		// the HTTP request's span is the client span's parent: one trace from the browser to the worker
		SpanData request = spans.stream()
			.filter((span) -> span.getSpanId().equals(client.getParentSpanId()))
			.findFirst()
			.orElseThrow();
		assertThat(request.getName()).contains("/invoices/charge");
	}

	private ResponseEntity<String> post(String path, String body) {
		return this.http.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.onStatus(HttpStatusCode::isError, (request, reply) -> {
			})
			.toEntity(String.class);
	}

	record Invoice(String id, int amount) {
	}

	record Receipt(String invoice, int charged) {
	}

	@GearmanExchange
	interface Billing {

		@GearmanExchange("${interop.prefix}-charge")
		Receipt charge(Invoice invoice);

		@GearmanExchange("${interop.prefix}-charge")
		Receipt chargeGarbage(String notAnInvoice);

		@GearmanExchange(value = "${interop.prefix}-chrage", timeout = "500ms")
		Receipt misspelled(Invoice invoice);

		@GearmanExchange(value = "${interop.prefix}-send", background = true)
		JobHandle send(Invoice invoice, @Unique String key);

	}

	@RestController
	static class InvoiceController {

		private final Billing billing;

		InvoiceController(Billing billing) {
			this.billing = billing;
		}

		@PostMapping("/invoices/charge")
		Receipt charge(@RequestBody Invoice invoice) {
			return this.billing.charge(invoice);
		}

		@PostMapping("/invoices/garbage")
		Receipt garbage() {
			return this.billing.chargeGarbage("not an invoice");
		}

		@PostMapping("/invoices/misspelled")
		Receipt misspelled(@RequestBody Invoice invoice) {
			return this.billing.misspelled(invoice);
		}

		@PostMapping("/invoices/{id}/send")
		ResponseEntity<Sent> send(@PathVariable String id, @RequestBody Invoice invoice) {
			JobHandle job = this.billing.send(invoice, "invoice-" + id);
			return ResponseEntity.accepted().body(new Sent(job.handle()));
		}

	}

	record Sent(String handle) {
	}

	static class StarterFunctions {

		final List<String> sent = new CopyOnWriteArrayList<>();

		@GearmanFunction(name = "${interop.prefix}-charge")
		Receipt charge(Invoice invoice) {
			if (invoice.amount() < 0) {
				throw new FailJobException("negative amount");
			}
			return new Receipt(invoice.id(), invoice.amount());
		}

		@GearmanFunction(name = "${interop.prefix}-send")
		void send(Invoice invoice) {
			this.sent.add(invoice.id());
		}

	}

	/** Every span that ended, as the OpenTelemetry SDK hands it to a span processor. */
	static class SpanCollector implements SpanProcessor {

		final List<SpanData> spans = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Context parentContext, ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			this.spans.add(span.toSpanData());
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportGearmanServices(types = Billing.class)
	@EnableGearmanTestHarness
	static class StarterApplication {

		@Bean
		StarterFunctions starterFunctions() {
			return new StarterFunctions();
		}

		@Bean
		InvoiceController invoiceController(Billing billing) {
			return new InvoiceController(billing);
		}

		@Bean
		SpanCollector spanCollector() {
			return new SpanCollector();
		}

	}

}
