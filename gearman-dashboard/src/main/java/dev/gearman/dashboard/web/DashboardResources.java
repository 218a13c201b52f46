package dev.gearman.dashboard.web;

import java.time.Duration;

import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the dashboard's stylesheet and script from the jar, under {@code /dashboard/assets/}: nothing comes from
 * another site, so the dashboard works without internet access.
 */
public class DashboardResources implements WebMvcConfigurer {

	/** Where the assets are served. */
	public static final String ASSETS = DashboardPageController.PATH + "/assets/";

	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler(ASSETS + "**")
			.addResourceLocations("classpath:/dev/gearman/dashboard/assets/")
			.setCacheControl(CacheControl.maxAge(Duration.ofHours(1)));
	}

}
