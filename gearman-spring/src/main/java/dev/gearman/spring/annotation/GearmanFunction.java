package dev.gearman.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of a Gearman function. Attributes are strings so that {@code ${…}}
 * placeholders work.
 * <p>
 * Parameters are resolved per job: {@code byte[]} (the raw workload), {@code String} (decoded with
 * {@code gearman.charset}), {@link dev.gearman.worker.JobContext} (handle, unique, progress), or any other
 * type, read from the workload as JSON. The return value becomes the result: {@code byte[]} as is, {@code String}
 * encoded, {@code void} as empty, anything else written as JSON. A thrown exception reaches the client as
 * WORK_EXCEPTION; {@link dev.gearman.worker.FailJobException} as WORK_FAIL.
 * <p>
 * A signature that cannot be served (more than one payload parameter, JSON without Jackson, an attribute that
 * does not resolve to a valid value) fails at startup, naming the bean and the method. On a proxied bean
 * ({@code @Transactional}, …) the method is invoked through the proxy; it must be visible on a JDK proxy's
 * interfaces, and neither private nor final on a CGLIB proxy.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GearmanFunction {

	/**
	 * The function name; defaults to the method name.
	 * @return the name
	 */
	String name() default "";

	/**
	 * Most jobs of this function run at once on this application; empty for only the worker's overall limit.
	 * @return the concurrency
	 */
	String concurrency() default "";

	/**
	 * Run-time limit the server enforces (CAN_DO_TIMEOUT), as a duration such as {@code 30s}; empty for none.
	 * @return the timeout
	 */
	String timeout() default "";

	/**
	 * An id to look the endpoint up in the registry; defaults to the function name.
	 * @return the id
	 */
	String id() default "";

}
