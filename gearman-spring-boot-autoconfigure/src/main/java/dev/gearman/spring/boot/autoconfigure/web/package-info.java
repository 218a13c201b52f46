/**
 * Auto-configuration of Gearman failures as HTTP problem details in web applications.
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
