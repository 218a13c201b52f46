package dev.gearman.server.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.access.AccessRules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access list in the engine: a worker identity registering a function it may not do, a client submitting one
 * it may not, an anonymous admin: each refused with a clear error and counted, while the legitimate peers are
 * served as usual.
 */
class AccessPolicyTests extends EngineTestSupport {

	private final List<String> denied = new CopyOnWriteArrayList<>();

	@BeforeEach
	void useAccessList() {
		this.settings.setAccessPolicy(AccessRules.builder()
			.rule("CN=billing,*", (rule) -> rule.submit("invoice.*"))
			.rule("CN=invoicer,*", (rule) -> rule.work("invoice.*"))
			.rule("CN=ops,*", (rule) -> rule.admin(AdminAccess.WRITE))
			.rule("CN=monitor,*", (rule) -> rule.admin(AdminAccess.READ))
			.build());
		this.listener = new EngineListener() {

			@Override
			public void accessDenied(String identity, String action) {
				AccessPolicyTests.this.denied.add(identity + " " + action);
			}

		};
	}

	@Test
	void permittedPeersShouldBeServedAsUsual() {
		TestPeer client = peer("CN=billing,O=Example");
		TestPeer worker = peer("CN=invoicer,O=Example");
		worker.send(PacketType.CAN_DO, "invoice.send");
		String handle = submit(client, "invoice.send", "", "42");
		assertAssigned(grab(worker), handle, "invoice.send", "42");
		complete(worker, handle, "sent");
		client.expectData(PacketType.WORK_COMPLETE, "sent", handle);
		assertThat(this.denied).isEmpty();
	}

	@Test
	void workerRegisteringAFunctionItMayNotDoShouldBeRefusedAndGetNoJobs() {
		TestPeer intruder = peer("CN=billing,O=Example");
		intruder.send(PacketType.CAN_DO, "invoice.send");
		assertThat(intruder.expectError("PERMISSION_DENIED"))
			.isEqualTo("Identity 'CN=billing,O=Example' may not register function 'invoice.send'");
		submitBg(peer("CN=billing,O=Example"), "invoice.send", "", "payload");
		expectNoJob(intruder);
		assertThat(admin("status")).as("anonymous admin").startsWith("ERR PERMISSION_DENIED");
		assertThat(this.denied).contains("CN=billing,O=Example work");
	}

	@Test
	void clientSubmittingAFunctionItMayNotShouldBeRefusedBeforeAnythingIsCreated() {
		TestPeer client = peer("CN=billing,O=Example");
		client.sendData(PacketType.SUBMIT_JOB, "x", "payroll.run", "");
		assertThat(client.expectError("PERMISSION_DENIED"))
			.isEqualTo("Identity 'CN=billing,O=Example' may not submit jobs of 'payroll.run'");
		TestPeer anonymous = peer();
		anonymous.sendData(PacketType.SUBMIT_JOB_BG, "x", "invoice.send", "");
		anonymous.expectError("PERMISSION_DENIED");
		assertThat(peer("CN=monitor,O=Example").admin("status")).isEqualTo(".\n");
		assertThat(this.denied).containsExactly("CN=billing,O=Example submit", "anonymous submit");
	}

	@Test
	void adminCommandsShouldNeedTheirLevel() {
		String handle = submitBg(peer("CN=billing,O=Example"), "invoice.send", "", "x");
		TestPeer anonymous = peer();
		TestPeer monitor = peer("CN=monitor,O=Example");
		TestPeer ops = peer("CN=ops,O=Example");
		assertThat(anonymous.admin("cancel job " + handle)).isEqualTo("ERR PERMISSION_DENIED Identity+may+not+use+this+command\r\n");
		assertThat(anonymous.admin("show jobs")).startsWith("ERR PERMISSION_DENIED");
		assertThat(anonymous.admin("version")).as("harmless commands stay open").startsWith("OK ");
		assertThat(monitor.admin("show jobs")).isEqualTo(handle + "\t0\t0\t0\n.\n");
		assertThat(monitor.admin("maxqueue invoice.send 1")).startsWith("ERR PERMISSION_DENIED");
		assertThat(ops.admin("cancel job " + handle)).isEqualTo("OK\r\n");
		assertThat(this.denied).containsExactly("anonymous admin-write", "anonymous admin-read",
				"CN=monitor,O=Example admin-write");
	}

	@Test
	void statusOfAJobShouldBeHiddenFromWhoMayNotSeeIt() {
		TestPeer client = peer("CN=billing,O=Example");
		String handle = submitBg(client, "invoice.send", "u1", "x");
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
		TestPeer stranger = peer("CN=stranger,O=Example");
		stranger.send(PacketType.GET_STATUS, handle);
		stranger.expect(PacketType.STATUS_RES, handle, "0", "0", "0", "0");
		stranger.send(PacketType.GET_STATUS_UNIQUE, "u1");
		stranger.expect(PacketType.STATUS_RES_UNIQUE, "u1", "0", "0", "0", "0", "0");
		assertThat(this.denied).containsExactly("CN=stranger,O=Example status", "CN=stranger,O=Example status");
	}

}
