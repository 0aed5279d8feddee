#!/usr/bin/perl
# A man page and its tool's --help (the option table) list the same options: SYNOPSIS names
# every option, and the subsections of OPTIONS are --help's sections, in its order, with the
# same options in each (--help's own section, Help, is in SYNOPSIS only).
# Usage: man_options.pl <page> <the built tool>
use strict;
use warnings;

my ($page, $tool) = @ARGV;
die "usage: man_options.pl <page> <tool>\n" unless defined $tool;
(my $name = $page) =~ s{.*/}{};
my $status = 0;
sub fail { print "FAIL: $name: $_[0]\n"; $status = 1; }

# --help: its sections, and each option's names ("-h,--host <host>").
my (@sections, %options_of, $section);
open my $help, '-|', $tool, '--help' or die "$tool: $!\n";
while (my $line = <$help>) {
    chomp $line;
    if ($line =~ /^(\S[^:]*):$/) {
        $section = $1;
        push @sections, $section;
    } elsif (defined $section && $line =~ /^  (-\S+)/) {
        push @{ $options_of{$section} }, [split /,/, $1];
    }
}
close $help or fail("$tool --help failed");
fail("no sections in --help") unless @sections;

# The page: the option names in SYNOPSIS, and those each OPTIONS subsection describes.
my (%synopsis, @subsections, %described, $sh, $ss);
open my $in, '<', $page or die "$page: $!\n";
while (my $line = <$in>) {
    if ($line =~ /^\.Sh (.*)/) { $sh = $1; undef $ss; next; }
    next unless defined $sh;
    if ($sh eq 'SYNOPSIS') {
        $synopsis{"-$1"} = 1 while $line =~ /\bFl (\S+)/g;
    } elsif ($sh eq 'OPTIONS') {
        if ($line =~ /^\.Ss (.*)/) {
            $ss = $1;
        } elsif (defined $ss && $line =~ /^\.It Fl /) {
            push @subsections, $ss unless $described{$ss};
            $described{$ss}{"-$1"} = 1 while $line =~ /\bFl (\S+)/g;
        }
    }
}
close $in;

my @expected = grep { $_ ne 'Help' } @sections;
"@subsections" eq "@expected" or
    fail("OPTIONS has the subsections [" . join(', ', @subsections) . "], --help the sections [" . join(', ', @expected) . "]");

for my $section (@sections) {
    my %names;
    for my $option (@{ $options_of{$section} }) {
        my @names = @$option;
        $names{$_} = 1 for @names;
        grep { $synopsis{$_} } @names or fail("SYNOPSIS lacks $names[0]");
        next if $section eq 'Help';
        grep { $described{$section}{$_} } @names or fail("OPTIONS, $section: $names[0] is not described there");
    }
    next if $section eq 'Help';
    for my $described (sort keys %{ $described{$section} // {} }) {
        $names{$described} or fail("OPTIONS, $section: describes $described, which --help lists elsewhere or not at all");
    }
}
print "$name: SYNOPSIS and OPTIONS list what --help lists\n" if $status == 0;
exit $status;
