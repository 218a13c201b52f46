package dev.gearman.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link GearmanExchange} method that gives the job's unique id (its {@code toString()};
 * {@code null} for none). Submissions of the same function with the same unique id coalesce into one job: a second
 * caller waits for the job the first started, and a background job is not queued twice. An id that is the same for
 * every retry of one piece of work (an invoice number) makes a retry after a timeout join the job still known to the
 * server instead of running it twice.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Unique {

}
