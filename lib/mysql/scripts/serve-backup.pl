#!/usr/bin/perl
#
# serve-backup.pl - serve a fresh backup to every peer that connects.
#
# The fallback of sidecar.sh for images without ncat (perl-base modules only):
#   perl serve-backup.pl <listen address> <port> <backup command> [<arg>...]
# Listens on <address>:<port> (SO_REUSEADDR) and handles one connection at a
# time, like `ncat --listen --keep-open --send-only --max-conns=1`: for each,
# runs the backup command (argv as given, no shell) with its stdout on the
# socket and stdin from /dev/null, waits for it, closes the connection and
# logs one line to stderr. Peers that connect meanwhile wait in the listen
# backlog. Runs until killed; exits 1 if it cannot listen. SIGTERM, SIGINT and
# SIGHUP stop it (exit 0) and the backup it is sending: sidecar.sh execs it as
# the container's PID 1, and the kernel never applies a signal's default
# action to PID 1, so without these handlers a pod's deletion would wait out
# its whole grace period.
use strict;
use warnings;
use IO::Socket::INET;
use POSIX ();

my $NAME = 'serve-backup.pl';

sub logline { print STDERR "$NAME: @_\n"; }

sub fail { logline("ERROR: @_"); exit 1; }

@ARGV >= 3 or fail('usage: serve-backup.pl <listen address> <port> <backup command> [<arg>...]');
my ($address, $port, @command) = @ARGV;
$port =~ /^[0-9]+$/ && $port > 0 && $port < 65536 or fail("invalid port '$port'");

my $child = 0;
for my $signal (qw(TERM INT HUP)) {
  $SIG{$signal} = sub {
    kill 'TERM', $child if $child;
    logline("stopping on SIG$signal");
    exit 0;
  };
}

my $listener = IO::Socket::INET->new(
  LocalAddr => $address,
  LocalPort => $port,
  Proto     => 'tcp',
  Listen    => 8,
  ReuseAddr => 1,
) or fail("cannot listen on $address:$port: $@");

while (1) {
  my $peer = $listener->accept;
  if (!$peer) {
    next if $!{EINTR} || $!{ECONNABORTED};
    fail("accept on $address:$port failed: $!");
  }
  my $from = $peer->peerhost . ':' . $peer->peerport;
  my $pid  = fork;
  if (!defined $pid) {
    logline("$from: cannot fork: $!");
    close $peer;
    next;
  }
  if ($pid == 0) {
    close $listener;
    open(STDIN, '<', '/dev/null') or POSIX::_exit(126);
    open(STDOUT, '>&', $peer) or POSIX::_exit(126);
    close $peer;
    exec { $command[0] } @command or print STDERR "$NAME: cannot run $command[0]: $!\n";
    POSIX::_exit(127);
  }
  close $peer;
  $child = $pid;
  waitpid($pid, 0);
  $child = 0;
  my $status = $? & 127 ? 'killed by signal ' . ($? & 127) : 'exit status ' . ($? >> 8);
  logline("sent a backup to $from ($command[0] $status)");
}
