package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structured report behind the actuator endpoint, and the connection and running counts of the snapshot.
 */
class EngineReportTests extends EngineTestSupport {

	@Test
	void reportShouldListFunctionsWorkersAndJobs() {
		TestPeer client = peer();
		TestPeer worker = worker("resize", "reverse");
		worker.send(PacketType.SET_CLIENT_ID, "worker-1");
		String running = submit(client, "reverse", "u1", "abc");
		submit(client, PacketType.SUBMIT_JOB_LOW_BG, "resize", "", "img");
		grab(worker);
		sync();
		EngineReport report = engine().report(100).join();
		assertThat(report.functions()).containsExactly(
				new EngineSnapshot.FunctionStatus("resize", 0, 0, 1, 0, 1, 0, false, 0),
				new EngineSnapshot.FunctionStatus("reverse", 0, 0, 0, 1, 1, 0, false, 0));
		assertThat(report.workerCount()).isEqualTo(1);
		EngineReport.WorkerInfo info = report.workers().get(0);
		assertThat(info.id()).isEqualTo(worker.id());
		assertThat(info.clientId()).isEqualTo("worker-1");
		assertThat(info.identity()).isEqualTo("anonymous");
		assertThat(info.functions()).containsExactly("resize", "reverse");
		assertThat(info.runningJobs()).isEqualTo(1);
		assertThat(report.jobCount()).isEqualTo(2);
		assertThat(report.jobs()).extracting(EngineReport.JobInfo::handle).containsExactlyInAnyOrder(running, handle(2));
		EngineReport.JobInfo job = report.jobs().stream().filter((j) -> j.handle().equals(running)).findFirst().get();
		assertThat(job.function()).isEqualTo("reverse");
		assertThat(job.unique()).isEqualTo("u1");
		assertThat(job.state()).isEqualTo("RUNNING");
		assertThat(job.background()).isFalse();
		assertThat(job.worker()).isEqualTo(worker.id());
		assertThat(job.clients()).isEqualTo(1);
	}

	@Test
	void reportShouldCapListsButKeepExactTotals() {
		TestPeer client = peer();
		for (int i = 0; i < 5; i++) {
			submitBg(client, "f", "", "job" + i);
			worker("f");
		}
		sync();
		EngineReport report = engine().report(2).join();
		assertThat(report.jobs()).hasSize(2);
		assertThat(report.jobCount()).isEqualTo(5);
		assertThat(report.workers()).hasSize(2);
		assertThat(report.workerCount()).isEqualTo(5);
	}

	@Test
	void snapshotShouldTellWorkersFromClientsAndCountRunningJobs() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		worker("g");
		submit(client, "f", "", "a");
		submitBg(client, "f", "", "b");
		grab(worker);
		sync();
		EngineSnapshot snapshot = engine().snapshot().join();
		// the client, two workers and the admin connection of sync()
		assertThat(snapshot.connections()).isEqualTo(4);
		assertThat(snapshot.workerConnections()).isEqualTo(2);
		assertThat(snapshot.clientConnections()).isEqualTo(2);
		assertThat(snapshot.runningJobs()).isEqualTo(1);
		assertThat(snapshot.jobs()).isEqualTo(2);
	}

}
