import JournalTools

RosterJournalCommand.main()
