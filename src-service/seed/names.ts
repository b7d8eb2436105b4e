// Name lists for the synthetic directory, written for this project. Family names are roughly in
// order of how common they are in Britain (the seed weights them by rank), with the spellings a
// real directory holds and search must cope with: apostrophes (O'Brien), accents (Zoë, Wójcik),
// spaces (Da Silva) and, made by the generator, double-barrelled names (Smith-Jones).

export const FAMILY_NAMES: readonly string[] = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson',
  'Roberts', 'Robinson', 'Thompson', 'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall',
  'Lewis', 'Harris', 'Clarke', 'Patel', 'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill',
  'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen',
  'James', 'Scott', 'Phillips', 'Watson', 'Davis', 'Parker', 'Price', 'Bennett', 'Young', 'Griffiths',
  'Mitchell', 'Kelly', 'Cook', 'Carter', 'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy',
  'Miller', 'Cox', 'Richards', 'Khan', 'Marshall', 'Anderson', 'Simpson', 'Ellis', 'Adams', 'Singh',
  'Begum', 'Wilkinson', 'Foster', 'Chapman', 'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Ali',
  'Hunt', 'Hussain', 'Campbell', 'Matthews', 'Owen', 'Palmer', 'Holmes', 'Mills', 'Barnes', 'Knight',
  'Lloyd', 'Butler', 'Russell', 'Barker', 'Fisher', 'Stevens', 'Jenkins', "O'Brien", 'Murray', 'Dixon',
  'Harvey', 'Graham', 'Pearson', 'Ahmed', 'Fletcher', 'Walsh', 'Kaur', 'Gibson', 'Howard', 'Andrews',
  'Stewart', 'Elliott', 'Reynolds', 'Saunders', 'Payne', 'Fox', 'Ford', 'Pearce', 'Day', 'Brooks',
  'West', 'Lawrence', 'Cole', 'Atkinson', 'Bradley', 'Spencer', 'Gill', 'Dawson', 'Ball', 'Burton',
  "O'Connor", 'Watts', 'Rose', 'Booth', 'Perry', 'Ryan', 'Grant', 'Wells', 'Armstrong', 'Francis',
  'Rees', 'Hayes', 'Hart', 'Hudson', 'Newman', 'Barrett', 'Webster', 'Hunter', 'Gregory', 'Carr',
  'Lowe', 'Page', 'Marsh', 'Riley', 'Dunn', 'Woods', 'Parsons', 'Berry', 'Stone', 'Reid',
  'Holland', 'Hawkins', 'Harding', 'Porter', 'Robertson', 'Newton', 'Oliver', 'Reed', 'Kennedy', 'Williamson',
  'Bird', 'Gardner', 'Shah', 'Dean', 'Lane', 'Cooke', 'Bates', 'Henderson', 'Parry', 'Burgess',
  'Bishop', 'Walton', 'Burns', 'Nicholson', 'Shepherd', 'Ross', 'Cross', 'Long', 'Freeman', 'Warren',
  'Nicholls', 'Hamilton', 'Byrne', 'Sutton', 'McDonald', 'Yates', 'Hodgson', 'Robson', 'Curtis', 'Hopkins',
  "O'Neill", 'Harper', 'Coleman', 'Watkins', 'Moss', 'McCarthy', 'Chambers', 'Griffin', 'Sharp', 'Hardy',
  'Wheeler', 'Potter', 'Osborne', 'Johnston', 'Gordon', 'Doyle', 'Wallace', 'George', 'Jordan', 'Hutchinson',
  'Rowe', 'Burke', 'May', 'Pritchard', 'Gilbert', 'Willis', 'Higgins', 'Read', 'Miles', 'Stevenson',
  'Hammond', 'Arnold', 'Buckley', 'Walters', 'Hewitt', 'Barber', 'Nelson', 'Slater', 'Austin', 'Sullivan',
  'Whitehead', 'Mann', 'Frost', 'Lambert', 'Stephens', 'Blake', 'Akhtar', 'Lynch', 'Goodwin', 'Barton',
  'Woodward', 'Thomson', 'Cunningham', 'Quinn', 'Barnett', 'Baxter', 'Bibi', 'Clayton', 'Nash', 'Greenwood',
  'Jennings', 'Holt', 'Kemp', 'Poole', 'Gallagher', 'Bond', 'Stokes', 'Tucker', 'Davidson', 'Fowler',
  'Heath', 'Norman', 'Middleton', 'Lawson', 'Banks', 'French', 'Stanley', 'Jarvis', 'Gibbs', 'Ferguson',
  'Okafor', 'Adeyemi', 'Mensah', 'Nguyen', 'Chen', 'Wong', 'Kowalski', 'Nowak', 'Wójcik', 'Fernandes',
  "D'Souza", 'Da Silva', 'Gonçalves', 'Öztürk', 'MacLeod', 'McKenzie', 'Ó Briain', 'Ní Cheallaigh', 'Núñez', 'Brontë',
];

export const GIVEN_NAMES: readonly string[] = [
  'Oliver', 'Olivia', 'George', 'Amelia', 'Harry', 'Isla', 'Jack', 'Ava', 'Jacob', 'Emily',
  'Noah', 'Sophia', 'Charlie', 'Grace', 'Muhammad', 'Mia', 'Thomas', 'Poppy', 'Oscar', 'Ella',
  'William', 'Lily', 'James', 'Evie', 'Henry', 'Isabella', 'Leo', 'Sophie', 'Alfie', 'Ivy',
  'Joshua', 'Freya', 'Freddie', 'Harper', 'Archie', 'Willow', 'Ethan', 'Charlotte', 'Isaac', 'Jessica',
  'Alexander', 'Sarah', 'Joseph', 'Emma', 'Edward', 'Laura', 'Samuel', 'Rebecca', 'Max', 'Hannah',
  'Daniel', 'Rachel', 'Arthur', 'Claire', 'Lucas', 'Helen', 'Mohammed', 'Karen', 'David', 'Susan',
  'Michael', 'Elizabeth', 'Paul', 'Catherine', 'Mark', 'Margaret', 'Andrew', 'Joanne', 'Richard', 'Nicola',
  'Stephen', 'Zoë', 'Christopher', 'Chloë', 'Peter', 'Siân', 'John', 'Siobhán', 'Robert', 'Niamh',
  'Simon', 'Aoife', 'Ian', 'Ffion', 'Gareth', 'Cerys', 'Rhys', 'Rhiannon', 'Dafydd', 'Bethan',
  'Seán', 'Eilidh', 'Ciarán', 'Mhairi', 'Eóin', 'Renée', 'Rory', 'Anaïs', 'Aled', 'Priya',
  'Owain', 'Aisha', 'Ravi', 'Fatima', 'Arjun', 'Amira', 'Sanjay', 'Ngozi', 'Kwame', 'Agnieszka',
  'Chidi', 'Zofia', 'Tomasz', 'Małgorzata', 'Piotr', 'Chiamaka', 'José', 'Mary-Jane', 'Jean-Paul', 'Anne-Marie',
  'Raphaël', 'Noémie', 'Kieran', 'Deborah', 'Gavin', 'Jasmine', 'Tariq', 'Yasmin', 'Adebayo', 'Folasade',
];

/** Place-name parts: combined they give thousands of plausible, invented English place names. */
export const PLACE_STARTS: readonly string[] = [
  'Ash', 'Brook', 'Cold', 'Dun', 'East', 'Fair', 'Glen', 'Hather', 'Ingle', 'Kings',
  'Lang', 'Mill', 'North', 'Oak', 'Pen', 'Queens', 'Rother', 'South', 'Thorn', 'Upper',
  'Wel', 'West', 'Whit', 'Wick', 'Wyn', 'Alder', 'Bar', 'Bishops', 'Chester', 'Elm',
  'Frod', 'Green', 'Hol', 'Kirk', 'Lower', 'Marl', 'Nether', 'Over', 'Stan', 'Tad',
];
export const PLACE_ENDS: readonly string[] = [
  'ford', 'bury', 'ham', 'field', 'ton', 'ley', 'worth', 'stead', 'wick', 'by',
  'combe', 'dale', 'hurst', 'minster', 'mouth', 'well', 'thorpe', 'bridge', 'borough', 'cliffe',
  'stow', 'wood', 'holme', 'gate', 'port',
];

export const SAINTS: readonly string[] = ['Mary', 'George', 'Thomas', 'Luke', 'Helen', 'Margaret', 'Peter', 'Anne', 'Michael', 'Bartholomew', 'Catherine', 'Giles'];

export const STREETS: readonly string[] = [
  'High Street', 'Church Lane', 'Station Road', 'Park View', 'Victoria Road', 'Mill Lane', 'The Green', 'Market Square',
  'Queen Street', 'London Road', 'Bridge Street', 'Orchard Way', 'Manor Road', 'Riverside', 'Castle Street', 'Abbey Road',
];

export const REGION_NAMES: readonly string[] = [
  'London', 'South East', 'South West', 'Midlands', 'East of England', 'North West', 'North East and Yorkshire',
];

export const DIRECTORATES: readonly string[] = [
  'Emergency Medicine', 'General Surgery', 'Acute Medicine', "Women's and Children's", 'Radiology', 'Pathology',
  'Therapies', 'Cardiology', 'Oncology', 'Critical Care', 'Orthopaedics', 'Mental Health', 'Outpatients', 'Theatres',
];
