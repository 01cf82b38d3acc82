import ArgumentParser

RosterCommand.main()
