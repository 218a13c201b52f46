package dev.gearman.spring.boot.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.GearmanTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @GearmanFunction} on {@code @Transactional} beans: invoked through the proxy (so a transaction is open
 * while the job runs), with CGLIB and JDK proxies, and a clear startup error where the proxy cannot be used.
 */
class GearmanFunctionProxyTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.client.timeout=10s");

	@Test
	void cglibProxiedBeanShouldRunTheJobInATransaction() {
		this.contextRunner.withUserConfiguration(CglibConfiguration.class).run((context) -> {
			assertThat(AopUtils.isCglibProxy(context.getBean(TransactionalFunctions.class))).isTrue();
			assertThat(context.getBean(GearmanTemplate.class).call("inTransaction", "x")).isEqualTo("x:true");
			assertThat(context.getBean(RecordingTransactionManager.class).commits).hasValue(1);
		});
	}

	@Test
	void jdkProxiedBeanShouldRunTheJobInATransactionWhenTheInterfaceDeclaresTheMethod() {
		this.contextRunner.withUserConfiguration(JdkProxyConfiguration.class).run((context) -> {
			assertThat(AopUtils.isJdkDynamicProxy(context.getBean("greeter"))).isTrue();
			assertThat(context.getBean(GearmanTemplate.class).call("greet", "Ada")).isEqualTo("Hello Ada:true");
			assertThat(context.getBean(RecordingTransactionManager.class).commits).hasValue(1);
		});
	}

	@Test
	void jdkProxyWithoutTheMethodShouldFailAtStartupSayingHowToFixIt() {
		this.contextRunner.withUserConfiguration(JdkProxyHidingMethodConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'shout' of bean 'hidingGreeter'")
				.hasStackTraceContaining("declare it on an interface the bean implements"));
	}

	@Test
	void finalMethodOnCglibProxyShouldFailAtStartup() {
		this.contextRunner.withUserConfiguration(FinalMethodConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'sealed' of bean 'finalFunctions' is final"));
	}

	@Test
	void privateMethodOnCglibProxyShouldFailAtStartup() {
		this.contextRunner.withUserConfiguration(PrivateMethodConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'hidden' of bean 'privateFunctions'")
				.hasStackTraceContaining("cannot be invoked through the bean's proxy"));
	}

	/** Real transaction infrastructure without a database: counts commits. */
	static class RecordingTransactionManager extends AbstractPlatformTransactionManager {

		final AtomicInteger commits = new AtomicInteger();

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.commits.incrementAndGet();
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionConfiguration {

		@Bean
		RecordingTransactionManager transactionManager() {
			return new RecordingTransactionManager();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CglibConfiguration extends TransactionConfiguration {

		@Bean
		TransactionalFunctions transactionalFunctions() {
			return new TransactionalFunctions();
		}

	}

	static class TransactionalFunctions {

		@Transactional
		@GearmanFunction
		public String inTransaction(String text) {
			return text + ":" + TransactionSynchronizationManager.isActualTransactionActive();
		}

	}

	/** What the JDK proxy exposes. */
	interface Greeter {

		String greet(String name);

	}

	@Configuration(proxyBeanMethods = false)
	static class JdkProxyConfiguration extends TransactionConfiguration {

		@Bean
		Greeter greeter() {
			return new TransactionalGreeter();
		}

	}

	static class TransactionalGreeter implements Greeter {

		@Override
		@Transactional
		@GearmanFunction
		public String greet(String name) {
			return "Hello " + name + ":" + TransactionSynchronizationManager.isActualTransactionActive();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JdkProxyHidingMethodConfiguration extends TransactionConfiguration {

		@Bean
		Greeter hidingGreeter() {
			return new HidingGreeter();
		}

	}

	static class HidingGreeter implements Greeter {

		@Override
		@Transactional
		public String greet(String name) {
			return name;
		}

		@GearmanFunction
		public String shout(String name) {
			return name.toUpperCase();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FinalMethodConfiguration extends TransactionConfiguration {

		@Bean
		FinalFunctions finalFunctions() {
			return new FinalFunctions();
		}

	}

	@Transactional
	static class FinalFunctions {

		@GearmanFunction
		public final String sealed(String text) {
			return text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrivateMethodConfiguration extends TransactionConfiguration {

		@Bean
		PrivateFunctions privateFunctions() {
			return new PrivateFunctions();
		}

	}

	@Transactional
	static class PrivateFunctions {

		@GearmanFunction
		private String hidden(String text) {
			return text;
		}

	}

}
