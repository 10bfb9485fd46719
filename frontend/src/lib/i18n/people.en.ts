import type { peopleVi } from './people.vi';

/** English strings of the people screens; the compiler checks they match the Vietnamese keys. */
export const peopleEn: typeof peopleVi = {
	password: {
		title: 'Set your password',
		checking: 'Checking the link…',
		intro: (name: string, body: string) => `${name}, set the password of your account at ${body}.`,
		username: 'Username',
		newPassword: 'New password',
		confirm: 'New password again',
		hint: (n: number) => `At least ${n} characters. Only you know it, your administrator does not.`,
		mismatch: 'The two passwords differ.',
		tooShort: (n: number) => `The password must have at least ${n} characters.`,
		validUntil: (t: string) => `The link works once, until ${t}.`,
		submit: 'Set the password and sign in',
		submitting: 'Saving…',
		missing: 'This address lacks the link’s code. Open the link your administrator sent you as it is.',
		unusable: 'This link cannot be used',
		nothingChanged: 'Your password has not changed.',
		toLogin: 'Go to sign-in'
	},
	import: {
		title: 'Import members from a CSV file',
		intro: 'A CSV file in UTF-8, separated by commas, with this header on its first line:',
		rules: 'Roles: admin, secretary, chair, member, guest. Clearances: none, confidential, secret, top_secret. Voting right: yes/no. Members already there are updated by username; members the file does not name stay as they are.',
		file: 'CSV file',
		createOrganizations: 'Add organisations not yet in the list',
		check: 'Check',
		checking: 'Checking…',
		apply: 'Import',
		applying: 'Importing…',
		summary: (c: number, u: number, same: number, bad: number) => `${c} to create · ${u} to update · ${same} unchanged · ${bad} with problems`,
		invalid: 'Some lines have problems, so nothing was imported. Correct the file and check it again.',
		nothingToDo: 'The file changes nothing.',
		done: (c: number, u: number) => `Imported: ${c} created, ${u} updated.`,
		doneNote: 'New members have no password yet: make each a password link in the members’ list.',
		newOrganizations: (names: string) => `Organisations added to the list: ${names}.`,
		line: 'Line',
		username: 'Username',
		action: 'Action',
		detail: 'Details',
		actions: { create: 'Create', update: 'Update', unchanged: 'Unchanged', invalid: 'Problem' },
		changed: (fields: string) => `changes: ${fields}`,
		newOrganization: (name: string) => `adds the organisation “${name}”`,
		fields: {
			username: 'username',
			full_name: 'full name',
			title: 'title',
			organization: 'organisation',
			role: 'role',
			clearance: 'clearance',
			voting: 'voting right',
			email: 'e-mail'
		} as Record<string, string>,
		back: 'Back to the members'
	},
	access: {
		heading: (name: string) => `${name}’s account`,
		open: 'Account',
		close: 'Close',
		link: 'Make a password link',
		linkMade: (t: string) =>
			`Give this link to the member only (it works once, until ${t}). Links made before no longer work; the current password works until the member sets a new one.`,
		linkLabel: 'Password link',
		copy: 'Copy',
		copied: 'Copied.',
		limit: 'Show the login limit',
		notLocked: (n: number, max: number) => `${n}/${max} recent failed sign-ins: not locked.`,
		locked: (n: number, minutes: number) => `Locked after ${n} failed sign-ins, for about ${minutes} more minutes.`,
		unlock: 'Unlock sign-in',
		unlocked: 'Unlocked: the member can sign in at once.'
	},
	organizations: {
		title: 'Organisations',
		intro: 'Members, the leads and co-operating units of tasks, and the statistics use the names of this list, so that each organisation has one spelling.',
		name: 'Name',
		members: 'Members',
		tasks: 'Tasks',
		newName: 'New organisation',
		add: 'Add',
		rename: 'Rename',
		renameLabel: (name: string) => `New name of ${name}`,
		save: 'Save',
		cancel: 'Cancel',
		delete: 'Delete',
		deleteLabel: (name: string) => `Delete ${name}`,
		renameNote: 'A new name applies to every member and task that used the old one.',
		empty: 'No organisation yet.'
	},
	membersAdmin: {
		import: 'Import CSV',
		export: 'Export CSV',
		organizations: 'Organisations'
	}
};
