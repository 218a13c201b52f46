/**
 * Test support: a throwaway job server inside a {@code @SpringBootTest} ({@link EmbeddedGearmanServer}); the
 * {@code @GearmanFunction} handlers called directly, without a job server ({@link InProcessGearmanWorker},
 * {@link TestGearmanWorker}); a harness that captures the jobs this application's workers run and waits for a
 * background job to finish ({@link EnableGearmanTestHarness}, {@link GearmanTestHarness}); and what a handler
 * reports from a {@code JobContext} built for a unit test ({@link RecordingReporter}).
 */
@NullMarked
package dev.gearman.spring.test;

import org.jspecify.annotations.NullMarked;
