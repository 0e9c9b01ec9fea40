/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: authentication, host keys, exec, forwards,
 * keepalive. The peer is started (or found running) by this program and left
 * running. TETHER_X2GO_PEER_SCRIPT overrides the script's path.
 *
 * The tests are in test-ssh-x2go-peer-{auth,host-keys,channels,keepalive,proxy}.c;
 * the peer fixture in ssh-x2go-peer-fixture.[ch].
 */
#include "config.h"

#include "ssh-x2go-peer-fixture.h"

int
main (int argc, char **argv)
{
  static const TestCase tests[] = {
    { "/ssh/x2go/auth/key", test_auth_key },
    { "/ssh/x2go/auth/passphrase", test_auth_passphrase },
    { "/ssh/x2go/auth/password", test_auth_password },
    { "/ssh/x2go/auth/force-password", test_auth_force_password },
    { "/ssh/x2go/auth/keyboard-interactive", test_auth_keyboard_interactive },
    { "/ssh/x2go/auth/agent", test_auth_agent },
    { "/ssh/x2go/agent/forward", test_agent_forward },
    { "/ssh/x2go/agent/forward-off", test_agent_forward_off },
    { "/ssh/x2go/agent/forward-cap", test_agent_forward_cap },
    { "/ssh/x2go/agent/forward-gone", test_agent_forward_gone },
    { "/ssh/x2go/host-key/unknown", test_host_key_unknown },
    { "/ssh/x2go/host-key/added", test_host_key_added },
    { "/ssh/x2go/host-key/changed", test_host_key_changed },
    { "/ssh/x2go/connect/unreachable", test_unreachable },
    { "/ssh/x2go/connect/cancel", test_cancel_connect },
    { "/ssh/x2go/exec/basic", test_exec },
    { "/ssh/x2go/exec/concurrent", test_exec_concurrent },
    { "/ssh/x2go/exec/output-cap", test_exec_output_cap },
    { "/ssh/x2go/exec/cancel", test_exec_cancel },
    { "/ssh/x2go/exec/disconnect", test_exec_disconnect },
    { "/ssh/x2go/forward/banner", test_forward_banner },
    { "/ssh/x2go/forward/echo", test_forward_echo },
    { "/ssh/x2go/forward/refused", test_forward_refused },
    { "/ssh/x2go/forward/finalize", test_forward_finalize },
    { "/ssh/x2go/keepalive/healthy", test_keepalive_healthy },
    { "/ssh/x2go/keepalive/transport-killed", test_keepalive_transport_killed },
    { "/ssh/x2go/keepalive/silent-peer", test_keepalive_silent_peer },
    { "/ssh/x2go/ssh-config", test_ssh_config },
    { "/ssh/x2go/proxy", test_proxy },
  };

  agent_log = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  ssh_test_environment ();
  tether_test_init (&argc, &argv);
  start_peer ();
  ssh_test_warm_up ();

  for (gsize i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, Fixture, &tests[i], fixture_setup, fixture_run, fixture_teardown);

  return g_test_run ();
}
