/*
 * xedge: the guard for one compiled policy. Reads only the site file (where
 * to listen, where peers are, where certificate files lie), binds and loads
 * its keys, gives up its privileges (priv.c), then relays server-to-server
 * traffic as the policy decides until SIGTERM; SIGHUP re-reads the CRL
 * files (crl.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "conn.h"
#include "crl.h"
#include "gcxp.h"
#include "guard.h"
#include "log.h"
#include "priv.h"
#include "replay.h"
#include "resolve.h"
#include "s2s.h"
#include "version.h"
#include "web.h"

/* How long a shutdown may take to flush and bounce before the exit, and
 * how long of it peers have to close the streams they send on. */
#define MAIN_SHUTDOWN_MS 3000
#define MAIN_DRAIN_MS 1500
/* How long a listener rests when the process or the system is out of file
 * descriptors or memory: its level-triggered event would otherwise fire
 * again at once, for as long as the shortage lasts. */
#define MAIN_ACCEPT_PAUSE_MS 100
/* Connections accepted per wakeup; the rest waits for the next one. */
#define MAIN_ACCEPT_BATCH 64

struct main_listener {
	int fd;
	int direct_tls;
	struct loop_timer resume;	/* armed while the listener rests */
};

static struct main_listener *main_listeners;
/* The site file's CRL files, read at start and on SIGHUP. */
static struct crl_files main_crls;
static struct loop_timer main_stop_timer;
static struct loop_timer main_tick_timer;
static uint64_t main_shutdown_at;	/* loop_now() when SIGTERM came */
static struct web *main_web;		/* the status page, NULL if off */
static struct web_tls *main_web_tls;	/* its HTTPS files, NULL: HTTP */

static void
main_usage(FILE *f)
{
	fprintf(f, "usage: xedge [-t] [-s SITE_FILE]\n"
	    "       xedge --version | --test\n"
	    "       xedge --replay FILE [--from PEER]\n"
	    "  -s FILE  site file: listen addresses, peer addresses, certificates\n"
	    "  -t       check the site file and certificates, then exit\n"
	    "  --test   run the policy's tests\n"
	    "  --replay run FILE's stanzas through the policy, offline\n");
}

/* The role's name, as xedge.policy(5) spells it. */
static const char *
main_role(void)
{
	return gen_policy.role == GEN_ROLE_EDGE ? "edge" :
	    gen_policy.role == GEN_ROLE_VALIDATOR ? "validator" : "single";
}

/* What the binary is: its version and the policy it enforces, and, for a
 * guard of a pair, which one (the digest is the same in all three). */
static void
main_version(void)
{
	printf("xedge %s\npolicy %s\nsha256 %s\nsource %s\n", XEDGE_VERSION,
	    gen_policy.name, gen_policy.sha256, gen_policy.source);
	if (gen_policy.role != GEN_ROLE_SINGLE)
		printf("role %s %s\n", main_role(), gen_policy.role_name);
}

/* Watches the listener ARG again after a pause. */
static void
main_accept_resume(struct loop *l, struct loop_timer *t, void *arg)
{
	struct main_listener *ml = arg;

	(void)t;
	if (loop_set(l, ml->fd, LOOP_READ) == -1)
		log_errno(LOG_LVL_ERR, 0, "accept-resume-failed", NULL);
}

/*
 * Accepts up to MAIN_ACCEPT_BATCH connections on the listener ARG and hands
 * them to s2s. On a shortage of descriptors or memory, the listener stops
 * being watched for MAIN_ACCEPT_PAUSE_MS, logged once per pause; pending
 * connections wait in the kernel's backlog meanwhile.
 */
static void
main_accept(struct loop *l, int fd, unsigned events, void *arg)
{
	struct main_listener *ml = arg;
	int c, i;

	(void)events;
	for (i = 0; i < MAIN_ACCEPT_BATCH; i++) {
		c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c != -1) {
			s2s_accept(c, ml->direct_tls);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			log_errno(LOG_LVL_WARN, 0, "accept-paused", "ms=%d",
			    MAIN_ACCEPT_PAUSE_MS);
			if (loop_set(l, fd, 0) == -1)
				log_errno(LOG_LVL_ERR, 0, "accept-pause-failed",
				    NULL);
			else
				loop_timer_arm(l, &ml->resume,
				    MAIN_ACCEPT_PAUSE_MS, main_accept_resume,
				    ml);
		} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			log_errno(LOG_LVL_WARN, 0, "accept-failed", NULL);
		}
		return;
	}
}

/* Once a second: alert rate windows that are over report what they
 * suppressed, and required links that are down are dialled. */
static void
main_tick(struct loop *l, struct loop_timer *t, void *arg)
{
	route_tick(&guard.route);
	s2s_links_tick();
	if (!guard.shutting_down)
		loop_timer_arm(l, t, 1000, main_tick, arg);
}

static void
main_stop(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(l);
}

/* Polls until every stream has closed and a pair's edge has had every
 * frame acknowledged, so the exit waits for no timer when peers are quick;
 * past MAIN_DRAIN_MS, inbound streams whose peers have not closed are
 * closed, so that the outbound ones can still flush and bounce before
 * MAIN_SHUTDOWN_MS. */
static void
main_wait_streams(struct loop *l, struct loop_timer *t, void *arg)
{
	int force = loop_now(l) - main_shutdown_at >= MAIN_DRAIN_MS;

	if (s2s_shutdown_step(force) == 0 && gcxp_shutdown_step(force) == 0) {
		loop_stop(l);
		return;
	}
	loop_timer_arm(l, t, 50, main_wait_streams, arg);
}

/* Reads the CRL files and gives them to the TLS contexts; 0 or -1
 * (logged, the contexts keep what they had). */
static int
main_load_crls(void)
{
	STACK_OF(X509_CRL) *crls = crl_files_read(&main_crls);
	int rc;

	if (crls == NULL)
		return -1;
	rc = tls_ctx_set_crls(guard.tls, crls);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return rc;
}

static void
main_signal(struct loop *l, int fd, unsigned events, void *arg)
{
	static struct loop_timer poll_timer;
	struct signalfd_siginfo si;
	size_t i;

	(void)events;
	(void)arg;
	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	/* A reload touches no stream: only handshakes to come see it. */
	if (si.ssi_signo == SIGHUP) {
		log_event(LOG_LVL_INFO, 0, "reload", "signal=%u what=crl",
		    si.ssi_signo);
		if (main_load_crls() == -1)
			log_event(LOG_LVL_ERR, 0, "reload-failed",
			    "what=crl kept=previous");
		return;
	}
	if (guard.shutting_down)
		return;
	log_event(LOG_LVL_INFO, 0, "shutdown", "signal=%u streams=%zu",
	    si.ssi_signo, guard.nstreams);
	main_shutdown_at = loop_now(l);
	log_event(LOG_LVL_INFO, 0, "shutdown-streams", "closing=%zu",
	    s2s_shutdown_all());
	for (i = 0; i < guard.site.nlisten; i++) {
		loop_timer_cancel(l, &main_listeners[i].resume);
		loop_del(l, main_listeners[i].fd);
		close(main_listeners[i].fd);
	}
	loop_timer_cancel(l, &main_tick_timer);
	web_stop(main_web);
	main_web = NULL;
	loop_timer_arm(l, &main_stop_timer, MAIN_SHUTDOWN_MS, main_stop, NULL);
	main_wait_streams(l, &poll_timer, NULL);
}

/*
 * The dialback secret: the site's, read as root before the privileges go,
 * so that several guards of one site check each other's keys; else a
 * fresh one, for this process alone. Returns 0 or -1 (logged).
 */
static int
main_dialback_secret(void)
{
	const char *path = guard.site.dialback_secret_file, *why;

	if (path == NULL) {
		if (RAND_bytes(guard.dialback_secret,
		    sizeof(guard.dialback_secret)) == 1)
			return 0;
		log_event(LOG_LVL_ERR, 0, "start-failed",
		    "reason=no-randomness");
		return -1;
	}
	if (dialback_secret_read(path, guard.dialback_secret, &why) == 0)
		return 0;
	log_event(LOG_LVL_ERR, 0, "start-failed", "dialback-secret=%s "
	    "reason=\"%s\"", path, why);
	return -1;
}

static int
main_listen(void)
{
	size_t i;

	main_listeners = calloc(guard.site.nlisten, sizeof(*main_listeners));
	if (main_listeners == NULL && guard.site.nlisten > 0)
		return -1;
	for (i = 0; i < guard.site.nlisten; i++) {
		const struct site_listen *sl = &guard.site.listen[i];

		main_listeners[i].fd = conn_listen_fd(sl->host, sl->port);
		main_listeners[i].direct_tls = sl->direct_tls;
		if (main_listeners[i].fd == -1) {
			log_errno(LOG_LVL_ERR, 0, "listen-failed", "addr=%s:%u",
			    sl->host, (unsigned)sl->port);
			return -1;
		}
		if (loop_add(guard.loop, main_listeners[i].fd, LOOP_READ,
		    main_accept, &main_listeners[i]) == -1)
			return -1;
		log_event(LOG_LVL_INFO, 0, "listen", "addr=%s:%u tls=%s",
		    sl->host, (unsigned)sl->port,
		    sl->direct_tls ? "direct" : "starttls");
	}
	return 0;
}

/* Starts the status page where the site file says, before the privileges
 * go (its port may be a privileged one); 0, or -1 (logged). */
static int
main_status(const char *site_file)
{
	guard.started_ms = loop_wall_ms();
	if (guard.site.status_host == NULL)
		return 0;
	main_web = web_start(guard.loop, guard.site.status_host,
	    guard.site.status_port, main_web_tls, site_file);
	return main_web == NULL ? -1 : 0;
}

/*
 * Raises the descriptor limit to its hard maximum and bounds the number of
 * streams to what it allows, keeping some for listeners, logs and DNS.
 */
static void
main_limit_streams(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	guard.max_streams = rl.rlim_cur > 128 ? (size_t)rl.rlim_cur - 64 : 64;
	log_event(LOG_LVL_INFO, 0, "limits", "max-streams=%zu",
	    guard.max_streams);
}

static int
main_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	return loop_add(guard.loop, fd, LOOP_READ, main_signal, NULL);
}

int
main(int argc, char **argv)
{
	const char *site_file = NULL;
	struct priv_plan priv;
	int check_only = 0, opt;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		main_version();
		return 0;
	}
	/* Offline: no site file, no network, no privilege. */
	if (argc == 2 && strcmp(argv[1], "--test") == 0)
		return replay_tests(&gen_policy, &gen_tests, stdout, stderr) ==
		    0 ? 0 : 1;
	if ((argc == 3 || (argc == 5 && strcmp(argv[3], "--from") == 0)) &&
	    strcmp(argv[1], "--replay") == 0)
		return replay_file(&gen_policy, argv[2], argc == 5 ? argv[4] :
		    NULL, stdout, stderr) == 0 ? 0 : 1;
	while ((opt = getopt(argc, argv, "hs:t")) != -1) {
		switch (opt) {
		case 's':
			site_file = optarg;
			break;
		case 't':
			check_only = 1;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		main_usage(stderr);
		return 2;
	}
	guard.policy = &gen_policy;
	if (site_init(&guard.site, &gen_policy) == -1 ||
	    (site_file != NULL &&
	    site_load(&guard.site, &gen_policy, site_file) == -1))
		return 1;
	if (guard.site.use_syslog)
		log_use_syslog();
	log_set_level(guard.site.log_level);
	if (priv_plan(&priv, &guard.site, &gen_policy, geteuid()) == -1)
		return 1;
	/* The CRL files' directories are opened as root, before the
	 * privileges go: SIGHUP reads the files through them. */
	if (crl_files_open(&main_crls, guard.site.crl_files,
	    guard.site.ncrl) == -1)
		return 1;
	/* A pair's validator takes no S2S stream: it needs none of the keys
	 * of the domains the edges stand in for. */
	guard.tls = tls_ctx_new(guard.site.certs,
	    gen_policy.role == GEN_ROLE_VALIDATOR ? 0 :
	    gen_policy.guard.ncerts, guard.site.ca_file);
	if (guard.tls == NULL || (main_crls.n > 0 && main_load_crls() == -1) ||
	    gcxp_load() == -1)
		return 1;
	if (main_dialback_secret() == -1)
		return 1;
	/* The status page's HTTPS files are read now, like the keys above,
	 * so that -t checks them too. */
	if (guard.site.status_cert_file != NULL &&
	    (main_web_tls = web_tls_load(guard.site.status_cert_file,
	    guard.site.status_key_file,
	    guard.site.status_client_ca_file)) == NULL)
		return 1;
	if (check_only) {
		printf("site OK\n");
		return 0;
	}
	main_limit_streams();
	guard.loop = loop_new();
	if (guard.loop == NULL || route_init(&guard.route, &gen_policy) == -1 ||
	    s2s_init() == -1 ||
	    admit_init(&guard.admit, &guard.site.admit) == -1 ||
	    main_signals() == -1 ||
	    resolve_init(guard.loop, guard.site.dns_server,
	    guard.site.dns_port) == -1 || main_listen() == -1 ||
	    gcxp_start() == -1 ||
	    main_status(site_file) == -1 || priv_drop(&priv) == -1) {
		log_errno(LOG_LVL_ERR, 0, "start-failed", NULL);
		return 1;
	}
	log_event(LOG_LVL_INFO, 0, "start", "version=%s policy=%s sha256=%s",
	    XEDGE_VERSION, gen_policy.name, gen_policy.sha256);
	main_tick(guard.loop, &main_tick_timer, NULL);
	if (loop_run(guard.loop) == -1) {
		log_errno(LOG_LVL_ERR, 0, "loop-failed", NULL);
		return 1;
	}
	web_stop(main_web);
	web_tls_free(main_web_tls);
	log_event(LOG_LVL_INFO, 0, "exit", "streams=%s",
	    guard.streams == NULL ? "closed" : "abandoned");
	gcxp_free();
	tls_ctx_free(guard.tls);
	crl_files_close(&main_crls);
	admit_free(&guard.admit);
	site_free(&guard.site);
	free(main_listeners);
	route_free(&guard.route);
	s2s_fini();
	loop_free(guard.loop);
	return 0;
}
