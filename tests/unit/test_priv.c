/*
 * Unit tests for runtime/priv.c: what the site file makes a guard drop
 * (priv_plan, priv_fs_need), and the drop itself in a child process,
 * which must end with no user, group or way back of root's. The tests
 * that need root to make root's directories or to drop are skipped
 * without it. The policy is a local one.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "priv.h"

static const struct gen_peer test_peers[] = {
	{ .name = "inside", .line = 10, .connect = GEN_CONNECT_STATIC,
	    .host = "127.0.1.1", .port = 5269 },
	{ .name = "found", .line = 20, .connect = GEN_CONNECT_SRV },
	{ .name = "listener", .line = 30, .connect = GEN_CONNECT_NONE },
};

static const struct gen_policy test_policy = {
	.name = "priv-test",
	.peers = test_peers,
	.npeers = 3,
};

/* The site's per-peer addresses: "found" has one unless a test removes
 * it, so that by default the guard resolves nothing. */
static struct site_peer site_peers[3] = {
	{ "127.0.1.1", 5269 }, { "127.0.2.1", 5269 }, { NULL, 0 },
};

static char dir[64];		/* the tests' own, removed at the end */
static char jail[96];		/* DIR/jail: a good chroot directory */
static char marker[128];	/* JAIL/marker */
static char logpath[96];	/* DIR/log: the dropping child's stderr */

/* A site with no privilege settings, resolving nothing, logging to
 * stderr. */
static struct site
site_plain(void)
{
	struct site s;

	memset(&s, 0, sizeof(s));
	site_peers[1].host = "127.0.2.1";
	s.peers = site_peers;
	s.npeers = 3;
	return s;
}

static int
group_setup(void **state)
{
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xedge-priv-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(jail, sizeof(jail), "%s/jail", dir);
	snprintf(marker, sizeof(marker), "%s/marker", jail);
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	if (mkdir(jail, 0755) == -1)
		return -1;
	fd = open(marker, O_WRONLY | O_CREAT, 0644);
	if (fd == -1)
		return -1;
	return close(fd);
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(marker);
	rmdir(jail);
	unlink(logpath);
	rmdir(dir);
	return 0;
}

static void
skip_unless_root(void)
{
	if (geteuid() != 0)
		skip();
}

/* The uid and gid of user NAME, which must exist. */
static void
user_ids(const char *name, uid_t *uid, gid_t *gid)
{
	const struct passwd *pw = getpwnam(name);

	assert_non_null(pw);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
}

static void
test_fs_need(void **state)
{
	struct site s = site_plain();

	(void)state;
	assert_null(priv_fs_need(&s, &test_policy));
	s.use_syslog = 1;
	assert_string_equal(priv_fs_need(&s, &test_policy), "syslog");
	s.use_syslog = 0;
	/* A peer found by DNS asks the name servers of resolv.conf, unless
	 * the site names one. */
	site_peers[1].host = NULL;
	assert_string_equal(priv_fs_need(&s, &test_policy), "resolv-conf");
	s.dns_server = "127.0.0.53";
	assert_null(priv_fs_need(&s, &test_policy));
}

/* Started as root with no user named: the default user, a chroot to
 * PRIV_CHROOT, which must be fit for it. */
static void
test_plan_default(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;
	struct stat st;
	const char *user;
	uid_t uid;
	gid_t gid;
	int fit;

	(void)state;
	user = getpwnam(PRIV_USER) != NULL ? PRIV_USER : PRIV_USER_FALLBACK;
	user_ids(user, &uid, &gid);
	fit = stat(PRIV_CHROOT, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == 0 && (st.st_mode & 022) == 0;
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), fit ? 0 : -1);
	assert_string_equal(pp.user, user);
	assert_true(pp.set_ids);
	assert_false(pp.stay_root);
	assert_int_equal(pp.uid, uid);
	assert_int_equal(pp.gid, gid);
	assert_string_equal(pp.chroot_dir, PRIV_CHROOT);
}

static void
test_plan_named_user(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;
	uid_t uid;
	gid_t gid;

	(void)state;
	skip_unless_root();
	user_ids("nobody", &uid, &gid);
	s.user = "nobody";
	s.chroot_dir = jail;
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), 0);
	assert_string_equal(pp.user, "nobody");
	assert_true(pp.set_ids);
	assert_int_equal(pp.uid, uid);
	assert_int_equal(pp.gid, gid);
	assert_string_equal(pp.chroot_dir, jail);
}

static void
test_plan_bad_user(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;

	(void)state;
	s.chroot_dir = jail;
	s.user = "no-such-user-xedge";
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
	/* Root under another name would keep every privilege. */
	s.user = "root";
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
}

static void
test_plan_run_as_root(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;

	(void)state;
	skip_unless_root();
	s.run_as_root = 1;
	s.chroot_dir = jail;
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), 0);
	assert_true(pp.stay_root);
	assert_false(pp.set_ids);
	assert_string_equal(pp.user, "root");
	assert_string_equal(pp.chroot_dir, jail);
}

/* What the guard reads after its start rules out the default chroot,
 * not one the site names. */
static void
test_plan_fs_need(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;

	(void)state;
	s.user = "nobody";
	s.use_syslog = 1;
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), 0);
	assert_null(pp.chroot_dir);
	assert_string_equal(pp.no_chroot, "syslog");
	skip_unless_root();
	s.chroot_dir = jail;
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), 0);
	assert_string_equal(pp.chroot_dir, jail);
}

/* A chroot directory must be a directory of root's that no one else
 * can write to. */
static void
test_plan_bad_chroot(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;

	(void)state;
	skip_unless_root();
	s.user = "nobody";
	s.chroot_dir = "/nonexistent/xedge";
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
	s.chroot_dir = marker;
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
	s.chroot_dir = jail;
	assert_int_equal(chmod(jail, 0775), 0);
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
	assert_int_equal(chmod(jail, 0757), 0);
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
	assert_int_equal(chmod(jail, 0755), 0);
	assert_int_equal(chown(jail, 65534, 0), 0);
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), -1);
	assert_int_equal(chown(jail, 0, 0), 0);
	assert_int_equal(priv_plan(&pp, &s, &test_policy, 0), 0);
}

/* Started as another user, the guard has nothing to drop, and a user
 * named in the site must be that one. */
static void
test_plan_not_root(void **state)
{
	struct site s = site_plain();
	struct priv_plan pp;
	uid_t uid;
	gid_t gid;

	(void)state;
	user_ids("nobody", &uid, &gid);
	assert_int_equal(priv_plan(&pp, &s, &test_policy, uid), 0);
	assert_null(pp.user);
	assert_false(pp.set_ids);
	assert_null(pp.chroot_dir);
	assert_string_equal(pp.no_chroot, "not-root");
	s.user = "nobody";
	assert_int_equal(priv_plan(&pp, &s, &test_policy, uid), 0);
	assert_string_equal(pp.user, "nobody");
	assert_false(pp.set_ids);
	assert_int_equal(priv_plan(&pp, &s, &test_policy, uid + 1), -1);
}

/* Runs FN in a child with stderr in LOGPATH; returns its exit status
 * (FN's return value), and the log in LOG. */
static int
in_child(int (*fn)(void), char *log, size_t cap)
{
	int fd, status;
	pid_t pid;
	ssize_t n;

	fd = open(logpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_int_not_equal(fd, -1);
	fflush(stderr);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		dup2(fd, 2);
		/* _exit: no atexit handler of the test runner runs twice. */
		_exit(fn());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = pread(fd, log, cap - 1, 0);
	log[n > 0 ? n : 0] = '\0';
	close(fd);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* In the child: drops to nobody into the jail and checks what is left,
 * returning 0 or the number of the first check that failed. */
static int
drop_to_nobody(void)
{
	struct priv_plan pp;
	uid_t ruid, euid, suid, uid;
	gid_t rgid, egid, sgid, gid, root_gid = 0;
	int chrooted;

	user_ids("nobody", &uid, &gid);
	memset(&pp, 0, sizeof(pp));
	pp.user = "nobody";
	pp.uid = uid;
	pp.gid = gid;
	pp.set_ids = 1;
	pp.chroot_dir = jail;
	/* Root starts with a supplementary group, so that dropping them
	 * is seen. */
	if (setgroups(1, &gid) == -1 || priv_drop(&pp) == -1)
		return 1;
	if (getresuid(&ruid, &euid, &suid) == -1 || ruid != uid ||
	    euid != uid || suid != uid)
		return 2;
	if (getresgid(&rgid, &egid, &sgid) == -1 || rgid != gid ||
	    egid != gid || sgid != gid)
		return 3;
	if (getgroups(0, NULL) != 0)
		return 4;
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 ||
	    setgroups(1, &root_gid) != -1)
		return 5;
	/* Inside the jail, its marker is at the root and nothing of the
	 * file system outside is seen. */
	chrooted = access("/marker", F_OK) == 0 && access(dir, F_OK) == -1;
#ifdef PRIV_SANITIZER_NEEDS_PROC
	chrooted = !chrooted;
#endif
	return chrooted ? 0 : 6;
}

static void
test_drop(void **state)
{
	char log[1024], want[256];
	uid_t uid;
	gid_t gid;

	(void)state;
	skip_unless_root();
	assert_int_equal(in_child(drop_to_nobody, log, sizeof(log)), 0);
	user_ids("nobody", &uid, &gid);
#ifdef PRIV_SANITIZER_NEEDS_PROC
	snprintf(want, sizeof(want), "level=info event=privileges "
	    "user=nobody uid=%u gid=%u chroot=none reason=sanitizer\n",
	    (unsigned)uid, (unsigned)gid);
#else
	snprintf(want, sizeof(want), "level=info event=privileges "
	    "user=nobody uid=%u gid=%u chroot=%s\n", (unsigned)uid,
	    (unsigned)gid, jail);
#endif
	assert_string_equal(log, want);
}

/* In the child: staying root is warned of, and nothing changes. */
static int
stay_root(void)
{
	struct priv_plan pp;

	memset(&pp, 0, sizeof(pp));
	pp.user = "root";
	pp.stay_root = 1;
	pp.no_chroot = "syslog";
	if (priv_drop(&pp) == -1)
		return 1;
	return geteuid() == 0 ? 0 : 2;
}

static void
test_stay_root(void **state)
{
	char log[1024];

	(void)state;
	skip_unless_root();
	assert_int_equal(in_child(stay_root, log, sizeof(log)), 0);
	assert_string_equal(log, "level=warn event=run-as-root "
	    "reason=\"the site file says run-as-root yes\"\n"
	    "level=info event=privileges user=root uid=0 gid=0 chroot=none "
	    "reason=syslog\n");
}

/* In the child: a process that is no longer root cannot drop to another
 * user, and priv_drop says so rather than going on. */
static int
drop_without_root(void)
{
	struct priv_plan pp;
	uid_t uid;
	gid_t gid;

	user_ids("nobody", &uid, &gid);
	if (setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		return 1;
	memset(&pp, 0, sizeof(pp));
	pp.user = "daemon";
	user_ids("daemon", &pp.uid, &pp.gid);
	pp.set_ids = 1;
	pp.no_chroot = "not-root";
	return priv_drop(&pp) == -1 ? 0 : 2;
}

static void
test_drop_without_root(void **state)
{
	char log[1024];

	(void)state;
	skip_unless_root();
	assert_int_equal(in_child(drop_without_root, log, sizeof(log)), 0);
	assert_string_equal(log, "level=error event=privileges-failed "
	    "user=daemon err=\"Operation not permitted\"\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fs_need),
		cmocka_unit_test(test_plan_default),
		cmocka_unit_test(test_plan_named_user),
		cmocka_unit_test(test_plan_bad_user),
		cmocka_unit_test(test_plan_run_as_root),
		cmocka_unit_test(test_plan_fs_need),
		cmocka_unit_test(test_plan_bad_chroot),
		cmocka_unit_test(test_plan_not_root),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_stay_root),
		cmocka_unit_test(test_drop_without_root),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
