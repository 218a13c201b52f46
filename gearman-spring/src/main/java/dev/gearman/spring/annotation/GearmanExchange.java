package dev.gearman.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Declares a typed Gearman client, in the spirit of Spring's {@code @HttpExchange}: on an interface, it makes each of
 * its abstract methods a call of a Gearman function; on a method, it says which function and how. The interface
 * becomes a bean through {@link dev.gearman.spring.service.ImportGearmanServices} (or
 * {@link dev.gearman.spring.service.GearmanServiceProxyFactory}), so the function's name lives in one place.
 * <pre class="code">
 * &#64;GearmanExchange
 * public interface Billing {
 *
 *     Receipt charge(Invoice invoice);                      // calls "charge", waits for the Receipt
 *
 *     &#64;GearmanExchange(value = "send_invoice", background = true)
 *     JobHandle send(Invoice invoice, &#64;Unique String invoiceNumber);
 *
 *     &#64;GearmanExchange(priority = "high", timeout = "5s")
 *     CompletableFuture&lt;Receipt&gt; refund(Refund refund);
 * }
 * </pre>
 * <p>
 * Parameters: at most one workload (converted as {@link dev.gearman.spring.core.GearmanTemplate} converts it:
 * {@code byte[]}, {@code String} or JSON), one {@link Unique} unique id, and for a foreground call one
 * {@link dev.gearman.client.JobListener} for data, warnings and progress. Return types: for a foreground call the
 * result type (waits, throws the template's exceptions), {@code void} (waits, drops the result) or a
 * {@code CompletableFuture} of it; for a background job {@code void}, {@link dev.gearman.client.JobHandle} or
 * {@code CompletableFuture<JobHandle>}. A method that does not fit fails when the proxy is made, naming the interface
 * and the method. String attributes take {@code ${…}} placeholders.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GearmanExchange {

	/**
	 * Alias for {@link #function()}.
	 * @return the function name
	 */
	@AliasFor("function")
	String value() default "";

	/**
	 * The function a method calls; defaults to the method's name. Not allowed on the interface.
	 * @return the function name
	 */
	@AliasFor("value")
	String function() default "";

	/**
	 * Whether a method submits a background job instead of waiting for a result.
	 * @return {@code true} for a background job
	 */
	boolean background() default false;

	/**
	 * The priority: {@code high}, {@code normal} or {@code low}; empty for the interface's, else normal.
	 * @return the priority
	 */
	String priority() default "";

	/**
	 * How long a foreground call may take, as a duration such as {@code 5s}; empty for the interface's, else the
	 * client's timeout ({@code gearman.client.timeout}).
	 * @return the timeout
	 */
	String timeout() default "";

}
