package dev.gearman.spring.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Registers a bean for each typed client ({@link dev.gearman.spring.annotation.GearmanExchange} interface) listed or
 * found in the given packages, as Spring's {@code @ImportHttpServices} does for HTTP interfaces. Put it on a
 * {@code @Configuration} class (or the {@code @SpringBootApplication}); without attributes it scans the package of
 * the class it is on. The proxies call through the context's {@link GearmanServiceProxyFactory}, or, without one,
 * through one made on its {@link dev.gearman.spring.core.GearmanTemplate}. Beans are named after the interface's
 * fully qualified name and injected by type.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(GearmanServicesRegistrar.class)
public @interface ImportGearmanServices {

	/**
	 * Interfaces to register.
	 * @return the interfaces
	 */
	Class<?>[] types() default {};

	/**
	 * Packages to scan for {@code @GearmanExchange} interfaces.
	 * @return the packages
	 */
	String[] basePackages() default {};

	/**
	 * Classes whose packages are scanned, a type-safe alternative to {@link #basePackages()}.
	 * @return the classes
	 */
	Class<?>[] basePackageClasses() default {};

}
