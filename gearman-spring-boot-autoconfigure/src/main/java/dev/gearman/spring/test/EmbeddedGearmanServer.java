package dev.gearman.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

/**
 * Runs an in-memory Gearman job server on a free loopback port for a {@code @SpringBootTest}, in the spirit of
 * {@code @EmbeddedKafka}: the application's {@code @GearmanFunction} workers and its {@code GearmanTemplate}
 * connect to it, and the port is available as {@code ${local.gearman.port}}. Nothing needs to be installed.
 * <p>
 * It also clears {@code gearman.servers}, so that servers the application configures for production (which
 * would win over the embedded server) are not used by the test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@TestPropertySource(properties = { "gearman.server.enabled=true", "gearman.server.port=0",
		"gearman.server.address=127.0.0.1", "gearman.servers=" })
public @interface EmbeddedGearmanServer {

}
