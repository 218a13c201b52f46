/**
 * Test support: run a throwaway job server inside a {@code @SpringBootTest}.
 */
@NullMarked
package dev.gearman.spring.test;

import org.jspecify.annotations.NullMarked;
