package dev.gearman.spring.boot.autoconfigure.web;

import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.web.GearmanExceptionHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;

/**
 * {@link GearmanExceptionHandler}, which answers requests whose Gearman call failed with a problem detail, in a web
 * application that sets {@code gearman.web.problem-details.enabled=true} (off by default, as Spring Boot's own
 * {@code spring.mvc.problemdetails.enabled}).
 */
@AutoConfiguration(after = GearmanAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass({ ProblemDetail.class, GearmanExceptionHandler.class })
@ConditionalOnBooleanProperty("gearman.web.problem-details.enabled")
public final class GearmanWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GearmanExceptionHandler gearmanExceptionHandler() {
		return new GearmanExceptionHandler();
	}

}
